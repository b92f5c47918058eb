"""The built-in topics: the US-India critical and emerging technology partnership (`ICET`) and
India-US relations at large (`INDIA_US`).

The queries are written in the newswatch query language (the README's "The query language") from
a few named word lists, so that each rule below reads as a sentence. `#` starts a comment inside a
query, which keeps the explanation next to each rule when the query is written out to a
configuration file. The ICET query is measured against tests/labelled/icet.jsonl.
"""

from __future__ import annotations

from newswatch.domain.items import TopicSpec

# --- Word lists -------------------------------------------------------------------------------
# "US" must be written =US: case-insensitive, "us" is also the pronoun. "U.S." is the word US.

# भारत is India and अमेरिका America in Devanagari, for Hindi outlets.
INDIA = (
    '(India OR Indian OR Indians OR "New Delhi" OR Delhi OR Bharat OR Modi OR =HAL OR "Hindustan Aeronautics" OR भारत)'
)
USA = (
    '(=US OR =USA OR "United States" OR America OR American OR Americans OR Washington'
    ' OR Pentagon OR "White House" OR अमेरिका)'
)
# The two countries written together: "India-US", "US-India", "Indo-US", "India and the
# United States", "New Delhi and Washington", "Indian and American firms".
BILATERAL = f'("Indo US" OR "Indo American" OR ({INDIA} NEAR/5 {USA}))'

# Critical and emerging technology, and defence industry, as the partnership names them.
TECH = (
    '(semiconductor* OR chip OR chips OR chipmak* OR =AI OR "artificial intelligence" OR quantum'
    ' OR "critical mineral*" OR "rare earth*" OR biotech* OR biomanufactur* OR NASA OR ISRO'
    ' OR astronaut* OR spaceflight OR satellite* OR "space cooperation" OR "civil space"'
    ' OR telecom* OR 5G OR 6G OR "Open RAN"'
    ' OR "jet engine*" OR "critical technolog*" OR "emerging technolog*" OR "strategic technolog*"'
    ' OR "advanced technolog*" OR "technology partnership" OR "technology cooperation"'
    ' OR "technology transfer" OR "transfer of technology" OR "tech transfer" OR "export control*"'
    ' OR "defence industr*" OR "defense industr*" OR "co produc*" OR "co develop*")'
)
# Words that make a sentence about the two countries and a technology one about cooperation,
# rather than about tariffs on it or a company's sales.
COOPERATION = (
    "(cooperat* OR collaborat* OR partner* OR initiative OR agree* OR pact OR MoU OR memorandum"
    " OR framework OR roadmap OR dialogue OR alliance OR joint OR jointly OR launch* OR"
    ' "working group" OR commitment*'
    # Hindi and Hinglish: cooperation, agreement, partnership (सहयोग, समझौता, साझेदारी).
    " OR sahyog OR samjhauta OR saajhedari OR सहयोग OR समझौता OR साझेदारी)"
)
DEFENCE_INDUSTRY = (
    '("co produc*" OR "co develop*" OR "defence industr*" OR "defense industr*"'
    ' OR "Security of Supply Arrangement" OR "Reciprocal Defen* Procurement"'
    ' OR "Autonomous Systems Industry Alliance" OR "Innovation Handshake")'
)
PLATFORMS = '(Stryker OR Javelin OR "MQ 9B" OR "Sea Guardian" OR "Predator drone*" OR "C 130J" OR "P 8I")'
GE_ENGINES = '(F414 OR F404 OR "F 414" OR "F 404" OR "GE Aerospace" OR (=GE NEAR/3 engine*))'
INDIAN_AIRCRAFT = '(=HAL OR "Hindustan Aeronautics" OR Tejas OR AMCA OR India OR Indian OR Bharat)'
# Countries whose own US technology dialogues and fighter programmes use the same words.
OTHER_PARTNERS = "(Singapore* OR Japan* OR Korea* OR Australia* OR European OR =EU OR Israel*)"

ICET_QUERY = f"""
(
# 1. The initiative by name. "iCET" is how the initiative spells itself; "ICET" in other case
#    counts only next to words of the India-US story. The Telangana/Andhra ICET entrance exam
#    (TS/AP/TG ICET, counselling, MBA/MCA admissions) and "ICET-2025" conferences never count.
(
  (=iCET OR ICET WITH({INDIA}, {USA}, Doval, Sullivan, Waltz, NSA*, technolog*, initiative,
                      critical, emerging, within=30))
  EXCEPT(=TS, =AP, =TG, Telangana, Andhra, college*, universit*, conference, within=6)
  EXCEPT(exam*, entrance, counselling, counseling, admission*, MBA, MCA, rank*, result*,
         "hall ticket*", "answer key", candidate*, seat*, allotment, APSCHE, TSCHE, TGCHE,
         convener, syllabus, proceedings, papers, within=15)
)^4

# 2. The full name, and the 2025 name TRUST. "trust" the English word is never in capitals
#    next to technology words; a capitalised TRUST must be about technology and the two
#    countries.
OR "initiative on critical and emerging technolog*"^4
OR "Transforming the Relationship Utilizing Strategic Technology"^4
OR (=TRUST WITH(initiative, framework, iCET, technolog*, tech, =AI, semiconductor*, quantum,
                mineral*, biotech*, defence, defense, space, within=10)
           WITH({INDIA}, {USA}, within=40))^3

# 3. "Critical and emerging technologies" said of India and the US together. Singapore, Japan
#    and Korea hold US dialogues of the same name.
OR ("critical and emerging technolog*" WITH({INDIA}, within=30) WITH({USA}, within=30)
                                        EXCEPT({OTHER_PARTNERS}, within=30))^2

# 4. Named programmes of the partnership, and the two space agencies working together.
OR "INDUS X"^3 OR "INDUS Innovation Bridge"^3
OR (("Minerals Security Partnership" OR "Strategic Trade Dialogue") WITH({INDIA}, within=30))
OR (NASA NEAR/10 ISRO)

# 5. India-US cooperation in a critical technology: a technology word near the two countries
#    named together, in a sentence about cooperating (not tariffs, visas or sales).
OR ({TECH} WITH({BILATERAL}, within=30) WITH({COOPERATION}, within=20)
           EXCEPT({OTHER_PARTNERS}, within=10))

# 6. Defence industry: co-production and co-development between the two countries, and the
#    platforms the partnership is about, when India is part of the sentence.
OR ({DEFENCE_INDUSTRY} WITH({BILATERAL}, within=30))
OR ({PLATFORMS} WITH({INDIA}, within=25))

# 7. GE jet engines for Indian aircraft. The same F414 powers Korea's KF-21 and the Gripen:
#    those stories do not count even when they mention India in passing.
OR (({GE_ENGINES} NEAR/25 {INDIAN_AIRCRAFT})
      EXCEPT(Korea*, KF, Boramae, Hanwha, Gripen, Saab, Hornet, within=30))

# 8. NSA-level talks: Doval with Sullivan or Waltz, about technology or defence.
OR ((Doval NEAR/40 (Sullivan OR Waltz))
      WITH({TECH}, technolog*, defence, iCET, TRUST, within=40))
)
# Never: cricket (India v USA at a World Cup).
NOT (wicket* OR T20 OR "Super Eight" OR title:cricket)
"""

INDIA_US_QUERY = f"""
(
# India and the United States in one sentence ("India-US", "US offers ... to India", "Indian
# H-1B holders"), or their leaders and ministers together (Modi-Trump, Jaishankar-Rubio,
# Doval-Waltz).
  ({INDIA} NEAR/10 ({USA} OR "H 1B" OR "green card*"))
  OR ((Modi OR Jaishankar OR Doval OR Rajnath OR Goyal)
      NEAR/15 (Trump OR Biden OR Rubio OR Blinken OR Sullivan OR Waltz OR Hegseth OR Lutnick OR Raimondo))
# Each pair weighs 0.6, so the default min_score asks for a pair in the title or the lead, or
# several pairs: a passing mention deep in an article does not alert.
)^0.6
# Sport between national teams is not relations.
NOT (wicket* OR T20 OR "Super Eight" OR title:(cricket OR football OR hockey OR match))
"""

ICET = TopicSpec(name="icet", query=ICET_QUERY, alert="instant", tags=("india", "us", "technology"))
INDIA_US = TopicSpec(name="india-us", query=INDIA_US_QUERY, alert="digest", tags=("india", "us"))

BUILTIN_TOPICS = (ICET, INDIA_US)
