"""The built-in topics: the US-India critical and emerging technology partnership (`ICET`) and
India-US relations at large (`INDIA_US`), in English and Hindi.

The queries are written in the newswatch query language (the README's "The query language") from
a few named word lists, so that each rule below reads as a sentence. `#` starts a comment inside a
query, which keeps the explanation next to each rule when the query is written out to a
configuration file. The ICET query is measured against tests/labelled/icet.jsonl
(bench/eval_topics.py prints precision and recall by batch and language).

Hindi outlets write the partnership's names in Devanagari (आईसीईटी, पैक्स सिलिका, स्ट्राइकर) or
in Latin letters inside Devanagari sentences (iCET, TRUST, Pax Silica); every rule takes both.
Hindi nouns change their ending in the oblique case (समझौता, समझौते; खनिज, खनिजों), so Hindi
terms that inflect are written as prefixes (समझौत*, खनिज*).
"""

from __future__ import annotations

from newswatch.domain.items import TopicSpec

# --- Word lists -------------------------------------------------------------------------------
# "US" must be written =US: case-insensitive, "us" is also the pronoun. "U.S." is the word US.

INDIA = (
    '(India OR Indian OR Indians OR "New Delhi" OR Delhi OR Bharat OR Modi OR =HAL OR "Hindustan Aeronautics"'
    # India's ministers stand for India: "Jaishankar in Washington" is India and the US together.
    " OR Jaishankar OR Rajnath OR Doval OR Vaishnaw OR Misri"
    # भारत India, भारतीय Indian, इंडिया India (in names: यूएस-इंडिया), नई दिल्ली, मोदी, एचएएल HAL,
    # and the ministers' names in Devanagari.
    ' OR भारत OR भारतीय OR इंडिया OR "नई दिल्ली" OR मोदी OR एचएएल OR "हिंदुस्तान एयरोनॉटिक्स"'
    " OR जयशंकर OR राजनाथ OR डोभाल OR वैष्णव OR मिस्री)"
)
USA = (
    '(=US OR =USA OR "United States" OR America OR American OR Americans OR Washington'
    ' OR Pentagon OR "White House"'
    # अमेरिका/अमरीका America (both spellings are in use), अमेरिकी/अमरीकी American, यूएस US,
    # संयुक्त राज्य United States, वॉशिंगटन/वाशिंगटन, पेंटागन, व्हाइट हाउस.
    ' OR अमेरिका OR अमरीका OR अमेरिकी OR अमरीकी OR अमेरिकन OR यूएस OR यूएसए OR "संयुक्त राज्य" OR वॉशिंगटन OR वाशिंगटन'
    ' OR पेंटागन OR "व्हाइट हाउस")'
)
# The two countries written together: "India-US", "US-India", "Indo-US", "India and the
# United States", "New Delhi and Washington", "भारत-अमेरिका", "भारत और अमेरिका".
BILATERAL = f'("Indo US" OR "Indo American" OR ({INDIA} NEAR/5 {USA}))'

# Critical and emerging technology, and defence industry, as the partnership names them.
TECH = (
    '(semiconductor* OR chip OR chips OR chipmak* OR =AI OR "artificial intelligence" OR quantum'
    ' OR "critical mineral*" OR "rare earth*" OR biotech* OR biomanufactur* OR NASA OR ISRO'
    ' OR astronaut* OR spaceflight OR satellite* OR "space cooperation" OR "civil space"'
    ' OR telecom* OR 5G OR 6G OR "Open RAN" OR "data cent*"'
    ' OR "jet engine*" OR "critical technolog*" OR "emerging technolog*" OR "strategic technolog*"'
    ' OR "advanced technolog*" OR "technology partnership" OR "technology cooperation"'
    ' OR "technology transfer" OR "transfer of technology" OR "tech transfer" OR "export control*"'
    ' OR "defence industr*" OR "defense industr*" OR "co produc*" OR "co develop*"'
    # Cyber security, undersea cables, civil nuclear energy and hypersonics: tracks of
    # the partnership's 2025-2026 dialogues and project arrangements.
    ' OR cybersecurity OR "cyber security" OR "cyber dialogue" OR "undersea cable*" OR "subsea cable*"'
    ' OR "civil nuclear" OR "small modular reactor*" OR hypersonic*'
    # Hindi: semiconductor, chip, AI, artificial intelligence, quantum, critical minerals
    # (महत्वपूर्ण खनिज, क्रिटिकल मिनरल), rare earth, biotechnology, NASA, ISRO, space, satellite,
    # telecom, jet engine, technology transfer, co-production and co-development (सह-उत्पादन,
    # संयुक्त उत्पादन, सह-निर्माण, को-प्रॉडक्शन, जॉइंट प्रॉडक्शन, सह-विकास, संयुक्त विकास).
    ' OR सेमीकंडक्टर OR सेमिकंडक्टर OR "सेमी कंडक्टर" OR चिप OR चिप्स OR एआई OR "आर्टिफिशियल इंटेलिजेंस"'
    ' OR "आर्टिफिशियल इंटेलीजेंस" OR "कृत्रिम बुद्धि*"'
    ' OR क्वांटम OR "महत्वपूर्ण खनिज*" OR "क्रिटिकल मिनरल*" OR "क्रिटिकल मिनिरल*" OR "रेयर अर्थ" OR "दुर्लभ खनिज*"'
    ' OR "दुर्लभ मृदा" OR "जैव प्रौद्योगिकी" OR बायोटेक* OR नासा OR इसरो OR अंतरिक्ष OR उपग्रह*'
    ' OR सैटेलाइट OR दूरसंचार OR टेलीकॉम OR "जेट इंजन*" OR "प्रौद्योगिकी हस्तांतरण" OR "तकनीक हस्तांतरण"'
    ' OR "टेक्नोलॉजी ट्रांसफर" OR "सह उत्पादन" OR "संयुक्त उत्पादन" OR "सह निर्माण" OR "को प्रॉडक्शन"'
    ' OR "को प्रोडक्शन" OR "जॉइंट प्रॉडक्शन" OR "सह विकास" OR "संयुक्त विकास" OR "रक्षा उद्योग"'
    # Hindi: cyber security, undersea cable, civil nuclear.
    ' OR "साइबर सुरक्षा" OR "समुद्री केबल*" OR "सबसी केबल*" OR "असैन्य परमाणु"'
    ' OR "नागरिक परमाणु")'
)
# Words that make a sentence about the two countries and a technology one about cooperation,
# rather than about tariffs on it or a company's sales.
COOPERATION = (
    "(cooperat* OR collaborat* OR partner* OR initiative OR agree* OR pact OR MoU OR memorandum"
    " OR framework OR roadmap OR dialogue OR alliance OR joint OR jointly OR launch* OR"
    ' "working group" OR commitment*'
    # Hinglish and Hindi: cooperation, agreement (समझौता, समझौते), partnership, initiative (पहल),
    # alliance (गठबंधन, गठजोड़, अलायंस), framework (फ्रेमवर्क), joint statement, together (मिलकर).
    # Not संयुक्त (joint) alone: it is also the "United" of संयुक्त राज्य, the United States.
    " OR sahyog OR samjhauta OR saajhedari OR सहयोग OR समझौत* OR साझेदारी OR पहल OR गठबंधन OR गठजोड़"
    ' OR अलायंस OR फ्रेमवर्क OR "संयुक्त बयान" OR "संयुक्त वक्तव्य" OR मिलकर)'
)
DEFENCE_INDUSTRY = (
    '("co produc*" OR "co develop*" OR "defence industr*" OR "defense industr*"'
    ' OR "Security of Supply Arrangement*" OR =SOSA OR "Reciprocal Defen* Procurement" OR =ITAR'
    # Hindi: the supply arrangement, translated (आपूर्ति सुरक्षा व्यवस्था) or spelt out (एसओएसए).
    ' OR "आपूर्ति सुरक्षा व्यवस्था" OR एसओएसए'
    ' OR "International Traffic in Arms"'
    ' OR "सह उत्पादन" OR "संयुक्त उत्पादन" OR "सह निर्माण" OR "को प्रॉडक्शन" OR "जॉइंट प्रॉडक्शन")'
)
# Stryker and Javelin name a US vehicle and missile, and also a medical-technology company and an
# athletics event: only the military sense counts, so each needs its military context nearby.
STRYKER = (
    "((Stryker OR स्ट्राइकर) WITH(vehicle*, armoured, armored, infantry, combat, ICV, AFV, wheeled, Army,"
    ' "co produc*", coproduc*, "General Dynamics", वाहन*, बख्तरबंद, कॉम्बैट, सेना, "सह उत्पादन",'
    ' "सह निर्माण", "को प्रॉडक्शन", "जॉइंट प्रॉडक्शन", within=20))'
)
JAVELIN = (
    '((Javelin OR जैवलिन OR जेवलिन OR जवेलिन) WITH(missile*, "anti tank", ATGM*, launcher*, "co produc*",'
    ' coproduc*, Lockheed, Raytheon, RTX, मिसाइल*, "एंटी टैंक", "टैंक रोधी", "सह उत्पादन", "सह निर्माण",'
    ' "को प्रॉडक्शन", within=20)'
    # Never the athletics event: a javelin thrower, a throw in metres, Neeraj Chopra.
    ' EXCEPT(throw*, thrower*, athlet*, Chopra, Olympic*, "Diamond League", metre*, meter*, medal*, भाला,'
    " थ्रो, नीरज, चोपड़ा, एथलीट*, ओलंपिक, मीटर, within=20))"
)
PLATFORMS = (
    f'({STRYKER} OR {JAVELIN} OR "MQ 9B" OR "Sea Guardian" OR "Predator drone*" OR "C 130J" OR "P 8I" OR P8I'
    ' OR "MH 60R"'
    # Hindi: MQ-9B (एमक्यू-9बी), Predator drones (प्रीडेटर ड्रोन), C-130J, P-8I.
    ' OR "एमक्यू 9बी" OR "प्रीडेटर ड्रोन*" OR "सी 130जे" OR "पी 8आई")'
)
GE_ENGINES = (
    '(F414 OR F404 OR "F 414" OR "F 404" OR "GE 414" OR "GE 404" OR "GE Aerospace" OR (=GE NEAR/3 engine*)'
    # जीई GE, जनरल इलेक्ट्रिक General Electric, एफ414. Hindi reports often keep "GE" in Latin
    # letters next to the Devanagari इंजन (engine).
    ' OR "जीई एयरोस्पेस" OR ((=GE OR जीई) NEAR/3 इंजन*) OR एफ414 OR एफ404'
    ' OR ("जनरल इलेक्ट्रिक" WITH(इंजन*, एयरोस्पेस, engine*, Aerospace, within=25)))'
)
INDIAN_AIRCRAFT = (
    '(=HAL OR "Hindustan Aeronautics" OR Tejas OR AMCA OR India OR Indian OR Bharat'
    ' OR एचएएल OR "हिंदुस्तान एयरोनॉटिक्स" OR तेजस OR एएमसीए OR भारत OR भारतीय)'
)
# US chip firms whose Indian plants and centres came out of the partnership: Micron's assembly
# and test plant at Sanand was announced at the June 2023 state visit, with Applied Materials' and
# Lam Research's Indian centres. "Micron" in capitals: a micron is also a unit of length.
US_CHIP_FIRMS = (
    '(=Micron OR माइक्रोन OR "Applied Materials" OR "एप्लाइड मटेरियल्स" OR "एप्लाइड मैटेरियल्स"'
    ' OR "Lam Research" OR "लैम रिसर्च")'
)
# Where those plants are: India, and the states and towns they are in.
INDIA_PLACES = (
    f"({INDIA} OR Gujarat OR Sanand OR Dholera OR Karnataka OR Bengaluru OR Bangalore"
    " OR गुजरात OR साणंद OR सानंद OR धोलेरा OR कर्नाटक OR बेंगलुरु OR बेंगलूरु)"
)
# Leaders and ministers who meet about the partnership, in English and Devanagari spelling.
INDIAN_LEADERS = (
    "(Modi OR Jaishankar OR Doval OR Rajnath OR Goyal OR Vaishnaw OR Misri"
    " OR मोदी OR जयशंकर OR डोभाल OR राजनाथ OR गोयल OR वैष्णव OR मिस्री)"
)
US_LEADERS = (
    "(Trump OR Biden OR Rubio OR Blinken OR Sullivan OR Waltz OR Hegseth OR Lutnick OR Raimondo OR Kratsios"
    " OR Helberg OR ट्रंप OR बाइडेन OR बाइडन OR रुबियो OR ब्लिंकन OR सुलिवन OR वाल्ट्ज OR हेगसेथ OR लुटनिक)"
)
# Leaders or ministers of both countries within a few sentences: Jaishankar and Rubio, Vaishnaw
# and Kratsios.
LEADERS = f"({INDIAN_LEADERS} NEAR/40 {US_LEADERS})"
# Countries whose own US technology dialogues and fighter programmes use the same words.
OTHER_PARTNERS = "(Singapore* OR Japan* OR Korea* OR Australia* OR European OR =EU OR Israel*)"

ICET_QUERY = f"""
(
# 1. The initiative by name. "iCET" is how the initiative spells itself; "ICET" in other case
#    counts only next to words of the India-US story. The Telangana/Andhra ICET entrance exam
#    (TS/AP/TG ICET, notification, registration, counselling, ranks, results, MBA/MCA
#    admissions) and "ICET-2025" conferences never count. Hindi: आईसीईटी, also spelt आइसीईटी.
(
  (=iCET OR ((ICET OR आईसीईटी OR आइसीईटी) WITH({INDIA}, {USA}, Doval, Sullivan, Waltz, NSA*, technolog*,
                      initiative, critical, emerging, डोभाल, सुलिवन, प्रौद्योगिकी, तकनीक*, टेक्नोलॉजी,
                      टेक्नालाजी, क्रिटिकल, पहल, within=30)))
  EXCEPT(=TS, =AP, =TG, Telangana, Andhra, college*, universit*, conference, टीएस, एपी, टीजी, तेलंगाना,
         आंध्र, within=6)
  EXCEPT(exam*, entrance, counselling, counseling, admission*, MBA, MCA, rank*, result*,
         "hall ticket*", "answer key", candidate*, seat*, allotment, APSCHE, TSCHE, TGCHE,
         convener, syllabus, proceedings, papers, registration, notification, eligibility,
         परीक्षा, प्रवेश, काउंसलिंग, रिजल्ट, परिणाम, रैंक, एमबीए, एमसीए, उम्मीदवार*, आवेदन, within=15)
)^4

# 2. The full name, and the 2025 name TRUST. "trust" the English word is never in capitals
#    next to technology words; a capitalised TRUST must be about technology and the two
#    countries. In Hindi ट्रस्ट is also the everyday word for a charitable trust (राम मंदिर
#    ट्रस्ट): it counts only next to the initiative's words and with both countries.
OR "initiative on critical and emerging technolog*"^4
OR "Transforming the Relationship Utilizing Strategic Technology"^4
OR "Transforming Relationship Utilizing Strategic Technology"^4
OR "इनिशिएटिव ऑन क्रिटिकल एंड इमर्जिंग"^4 OR "यूटिलाइजिंग स्ट्रैटेजिक टेक्नोलॉजी"^4
OR (=TRUST WITH(initiative, framework, iCET, technolog*, tech, =AI, semiconductor*, quantum,
                mineral*, biotech*, defence, defense, space, पहल, इनिशिएटिव, प्रौद्योगिकी*, तकनीक*,
                टेक्नोलॉजी, एआई, सेमीकंडक्टर, क्वांटम, खनिज*, within=10)
           WITH({INDIA}, {USA}, within=40))^3
#    ट्रस्ट only right next to "initiative" (ट्रस्ट पहल, ट्रस्ट इनिशिएटिव, "ट्रस्ट (TRUST) पहल"):
#    a Hindi report on the Tata Trusts and an American foundation working on AI must not count.
OR (ट्रस्ट WITH(पहल, इनिशिएटिव, initiative, within=3) WITH({INDIA}, {USA}, within=40)
           EXCEPT(टाटा, मंदिर, चैरिटेबल, धर्मार्थ, फाउंडेशन, within=5))^3

# 3. "Critical and emerging technologies" said of India and the US together. Singapore, Japan
#    and Korea hold US dialogues of the same name.
OR (("critical and emerging technolog*" OR "क्रिटिकल एंड इमर्जिंग" OR "महत्वपूर्ण और उभरती")
      WITH({INDIA}, within=30) WITH({USA}, within=30) EXCEPT({OTHER_PARTNERS}, within=30))^2

# 4. Named programmes and agreements of the partnership, 2023-2026: INDUS-X and INDUS
#    Innovation; the February 2025 US-India COMPACT (all capitals: "compact" is also an everyday
#    word); the Autonomous Systems Industry Alliance (ASIA, 2025); the ten-year Framework for the
#    US-India Major Defence Partnership (October 2025); Pax Silica (India joined in February 2026;
#    it counts only where India is named, as other countries joined it too) and the India-US AI
#    Opportunity Partnership; the Minerals Security Partnership and FORGE, its 2026 successor, and
#    the Strategic Trade Dialogue with India; the two space agencies working together.
OR "INDUS X"^3 OR "INDUS Innovation"^3 OR "इंडस एक्स"^3
OR "Catalyzing Opportunities for Military Partnership"^4
OR (=COMPACT WITH({INDIA}, {USA}, within=20) EXCEPT(SUV*, car, cars, sedan*, hatchback*, camera*, within=5))^3
OR (कॉम्पैक्ट WITH(पहल, इनिशिएटिव, रक्षा, सैन्य, COMPACT, within=5) WITH({INDIA}, {USA}, within=20))^3
OR "Autonomous Systems Industry Alliance"^3
OR ("Major Defen* Partnership" OR "मेजर डिफेंस पार्टनरशिप" OR "प्रमुख रक्षा साझेदारी")^3
#    In Hindi the framework is a फ्रेमवर्क, रूपरेखा or ढांचा; ढांचा counts only with रक्षा (defence):
#    बुनियादी ढांचा is infrastructure.
#    A "10-year framework" only when it is about defence (not a trade framework).
OR ((((defence OR defense OR रक्षा OR डिफेंस) NEAR/3 (framework OR फ्रेमवर्क OR रूपरेखा OR ढांच*))
      OR ((("10 year" OR "ten year" OR "10 वर्षीय" OR "10 साल" OR "दस साल") NEAR/3 (framework OR फ्रेमवर्क OR रूपरेखा))
          WITH(defence, defense, military, रक्षा, डिफेंस, सैन्य, within=15)))
    WITH({BILATERAL}, within=30))^2
OR (("Pax Silica" OR "पैक्स सिलिका") WITH({INDIA}, within=40))^3
OR "AI Opportunity Partnership"^3
OR (("Minerals Security Partnership" OR "Strategic Trade Dialogue" OR (=FORGE EXCEPT(Bharat, within=1)))
      WITH({INDIA}, within=30))
#    iDEX, India's defence innovation agency, with the Pentagon's Defense Innovation Unit: INDUS-X's
#    challenges under their own names.
OR ((iDEX OR "Innovations for Defence Excellence" OR आईडेक्स)
      WITH("Defense Innovation Unit", "Defence Innovation Unit", =DIU, Pentagon, {USA}, पेंटागन, within=30))^3
#    DRDO's project arrangements with US defence laboratories (hypersonics, materials, sensors).
OR ((DRDO OR डीआरडीओ) WITH({USA}, AFRL, DARPA, "Research Laborator*", within=25)
      WITH({COOPERATION}, "project arrangement*", "project agreement*", within=25))
#    Civil nuclear energy: US reactor makers and their Indian sites and partners, and the
#    Department of Energy's Part 810 authorisations.
OR ((Westinghouse OR NuScale OR Holtec OR "Part 810" OR वेस्टिंगहाउस OR होल्टेक OR न्यूस्केल)
      WITH({INDIA}, NPCIL, NTPC, Kovvada, "Mithi Virdi", कोव्वाडा, within=30))
#    US export controls eased for India: licence rules dropped or relaxed, ITAR or the Bureau of
#    Industry and Security.
OR (("export control*" OR "export licen*" OR "Bureau of Industry and Security" OR =ITAR OR "निर्यात नियंत्रण")
      WITH({INDIA}, within=20) WITH({USA}, within=30)
      WITH(eas*, relax*, lift*, drop*, waiv*, exempt*, remov*, relief, loosen*, छूट, ढील, within=25))
#    Export controls lifted for Indian entities (the Entity List removals of January 2025).
#    The removal names the entities first, so "removed" may come many words before the list.
OR ("Entity List" WITH(remov*, delist*, lift*, within=25) WITH({INDIA}, within=25))^2
OR (NASA NEAR/10 ISRO) OR (नासा NEAR/10 इसरो)
#    Axiom-4 (Ax-4), the mission that flew an Indian astronaut to the space station under the
#    NASA-ISRO agreement, when the report names India, ISRO or the astronaut.
OR (("Axiom 4" OR "Ax 4" OR "एक्सिओम 4" OR "एक्सियम 4" OR "ऐक्सिओम 4" OR "एक्सिओम मिशन")
      WITH({INDIA}, ISRO, इसरो, Shukla, शुक्ला, within=30))^2
#    NISAR, the joint radar satellite: in capitals in English (Nisar is also a given name), next to
#    satellite words in Hindi (निसार is the same name in Devanagari).
OR ((=NISAR OR निसार) WITH(NASA, ISRO, satellite*, radar, launch*, orbit, नासा, इसरो, उपग्रह*, सैटेलाइट,
                            रडार, प्रक्षेपण, within=20))

#    The partnership's chip plants: Micron, Applied Materials or Lam Research building,
#    investing or producing in India. A report on Micron's results or its plant in Japan does
#    not name India and does not count.
OR ({US_CHIP_FIRMS} WITH(semiconductor*, chip*, ATMP, OSAT, fab, fabs, plant, facility, memory, सेमीकंडक्टर,
                         चिप*, प्लांट, संयंत्र, फैब, within=20)
      WITH({INDIA_PLACES}, within=30))

# 5. India-US cooperation in a critical technology: a technology word near the two countries
#    named together, or their leaders or ministers together (a Hindi report of Jaishankar
#    meeting Rubio may never name the countries), in a sentence about cooperating, not about
#    tariffs on it, visas or sales.
OR ({TECH} WITH({BILATERAL}, {LEADERS}, within=30) WITH({COOPERATION}, within=20)
           EXCEPT({OTHER_PARTNERS}, within=10) EXCEPT(tariff*, टैरिफ, within=8)
           # Pakistan's own minerals and technology deals with the US, "watched in New Delhi".
           EXCEPT(Pakistan*, Islamabad, पाकिस्तान*, within=20))

# 6. Defence industry: co-production and co-development between the two countries, and the
#    platforms the partnership is about, when India is part of the sentence. Stryker and Javelin
#    only in their military sense (see STRYKER and JAVELIN above).
OR ({DEFENCE_INDUSTRY} WITH({BILATERAL}, within=30))
#    The Security of Supply Arrangement (SOSA, signed August 2024) is one between two countries:
#    with India and the US both named in the paragraph, it is theirs.
OR (("Security of Supply Arrangement*" OR =SOSA OR "आपूर्ति सुरक्षा व्यवस्था" OR एसओएसए)
      WITH({INDIA}, within=50) WITH({USA}, within=50))^2
OR ({PLATFORMS} WITH({INDIA}, within=25))

# 7. GE jet engines for Indian aircraft. The same F414 powers Korea's KF-21 and the Gripen:
#    those stories do not count even when they mention India in passing.
OR (({GE_ENGINES} NEAR/25 {INDIAN_AIRCRAFT})
      EXCEPT(Korea*, KF, Boramae, Hanwha, Gripen, Saab, Hornet, within=30))

# 8. NSA-level talks: Doval with Sullivan or Waltz, about technology or defence.
OR (((Doval OR डोभाल OR डोवाल) NEAR/40 (Sullivan OR Waltz OR सुलिवन OR वाल्ट्ज))
      WITH({TECH}, technolog*, defence, iCET, TRUST, प्रौद्योगिकी, तकनीक*, रक्षा, within=40))
# 9. The defence ministers: Rajnath Singh with Lloyd Austin (to January 2025) or Pete Hegseth,
#    about defence cooperation, the defence industry or technology. Rajnath Singh with other
#    countries' ministers does not count.
OR (((Rajnath OR राजनाथ) NEAR/40 (Austin OR Hegseth OR ऑस्टिन OR हेगसेथ))
      WITH({TECH}, {DEFENCE_INDUSTRY}, technolog*, "defence cooperation", "defense cooperation",
           "defence ties", "defense ties", "defence partnership", "defense partnership", "military cooperation",
           "defence relations", "defense relations", framework, "रक्षा सहयोग", "रक्षा साझेदारी", "सैन्य सहयोग",
           "रक्षा संबंध*", "रक्षा रिश्त*", प्रौद्योगिकी, तकनीक*, फ्रेमवर्क, within=40))
)
# Never: cricket (India v USA at a World Cup).
NOT (wicket* OR T20 OR "Super Eight" OR title:cricket OR विकेट* OR टी20 OR title:क्रिकेट)
"""

INDIA_US_QUERY = f"""
(
# India and the United States in one sentence ("India-US", "US offers ... to India", "Indian
# H-1B holders", "भारत-अमेरिका"), or their leaders and ministers together (Modi-Trump,
# Jaishankar-Rubio, Doval-Waltz), in English or Hindi.
  ({INDIA} NEAR/10 ({USA} OR "H 1B" OR "green card*" OR "एच 1बी" OR "ग्रीन कार्ड"))
  OR ((Modi OR Jaishankar OR Doval OR Rajnath OR Goyal OR मोदी OR जयशंकर OR डोभाल OR राजनाथ OR गोयल)
      NEAR/15 (Trump OR Biden OR Rubio OR Blinken OR Sullivan OR Waltz OR Hegseth OR Lutnick OR Raimondo
               OR ट्रंप OR बाइडेन OR बाइडन OR रुबियो OR ब्लिंकन OR सुलिवन OR वाल्ट्ज OR हेगसेथ OR लुटनिक))
# Each pair weighs 0.6, so the default min_score asks for a pair in the title or the lead, or
# several pairs: a passing mention deep in an article does not alert.
)^0.6
# Sport between national teams is not relations.
NOT (wicket* OR T20 OR "Super Eight" OR title:(cricket OR football OR hockey OR match)
     OR विकेट* OR टी20 OR title:(क्रिकेट OR फुटबॉल OR हॉकी OR मैच))
"""

ICET = TopicSpec(name="icet", query=ICET_QUERY, alert="instant", tags=("india", "us", "technology"))
INDIA_US = TopicSpec(name="india-us", query=INDIA_US_QUERY, alert="digest", tags=("india", "us"))

BUILTIN_TOPICS = (ICET, INDIA_US)
