"""The built-in Jinja2 templates: short titles and bodies that read well on a phone lock screen.

Each body comes in three flavours: Markdown (chat and push services), HTML (email) and plain text
(JSON hooks, the console). Values are escaped for the flavour by the environment that renders
them (see render.py), so these templates never escape by hand.
"""

INSTANT_TITLE = "[{{ topic }}] {% if kind == 'update' %}Update: {% endif %}{{ article.title }}"

INSTANT_MARKDOWN = """\
{{ byline|join(" · ") }}
Topic: {{ topic }} · Matched: {{ terms|join(", ") }}
{% if article.snippet %}

> {{ article.snippet }}
{% endif %}

[{{ article.title }}]({{ article.url|mdurl }})
"""

INSTANT_HTML = """\
<div style="font-family:-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.45;max-width:640px">
<p style="margin:0 0 4px;color:#666;font-size:13px">{{ topic }} · matched {{ terms|join(", ") }}</p>
<h2 style="margin:0 0 6px;font-size:20px;line-height:1.25">{% if kind == 'update' %}Update: {% endif %}\
<a href="{{ article.url|href }}" style="color:#0b57d0;text-decoration:none">{{ article.title }}</a></h2>
<p style="margin:0 0 10px;color:#444;font-size:14px">{{ byline|join(" · ") }}</p>
{% if article.snippet %}
<p style="margin:0 0 10px">{{ article.snippet }}</p>
{% endif %}
<p style="margin:0;font-size:14px"><a href="{{ article.url|href }}">{{ article.url }}</a></p>
</div>
"""

INSTANT_TEXT = """\
{{ byline|join(" · ") }}
Topic: {{ topic }} · Matched: {{ terms|join(", ") }}
{% if article.snippet %}

{{ article.snippet }}
{% endif %}

{{ article.url }}
"""

DIGEST_TITLE = (
    "[digest] {{ count }} new {{ 'story' if count == 1 else 'stories' }}: "
    "{% for group in groups %}{{ group.topic }} {{ group.stories|length }}{% if not loop.last %}, {% endif %}{% endfor %}"
)

DIGEST_MARKDOWN = """\
**{{ count }} new {{ 'story' if count == 1 else 'stories' }}** · {{ period.since }} – {{ period.until }}
{% for group in groups %}
**{{ group.topic }}** ({{ group.stories|length }})
{% for story in group.stories %}\
- [{{ story.title }}]({{ story.url|mdurl }}) · {{ story.source }} · {{ story.outlets }} {{ 'outlet' if story.outlets == 1 else 'outlets' }}
{% endfor %}{% endfor %}"""

DIGEST_HTML = """\
<div style="font-family:-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.45;max-width:640px">
<p style="margin:0 0 10px;color:#666;font-size:13px">{{ count }} new {{ 'story' if count == 1 else 'stories' }} · {{ period.since }} – {{ period.until }}</p>
{% for group in groups %}
<h3 style="margin:14px 0 6px;font-size:17px">{{ group.topic }} ({{ group.stories|length }})</h3>
<ul style="margin:0;padding-left:20px">
{% for story in group.stories %}\
<li style="margin:0 0 6px"><a href="{{ story.url|href }}" style="color:#0b57d0;text-decoration:none">{{ story.title }}</a>\
<br><span style="color:#555;font-size:13px">{{ story.source }} · {{ story.outlets }} {{ 'outlet' if story.outlets == 1 else 'outlets' }}</span></li>
{% endfor %}</ul>
{% endfor %}</div>
"""

DIGEST_TEXT = """\
{{ count }} new {{ 'story' if count == 1 else 'stories' }} · {{ period.since }} – {{ period.until }}
{% for group in groups %}
{{ group.topic }} ({{ group.stories|length }})
{% for story in group.stories %}\
- {{ story.title }} · {{ story.source }} · {{ story.outlets }} {{ 'outlet' if story.outlets == 1 else 'outlets' }}
  {{ story.url }}
{% endfor %}{% endfor %}"""

SUMMARY_TITLE = "[newswatch] {{ count }} more new {{ 'story' if count == 1 else 'stories' }}"

SUMMARY_MARKDOWN = """\
**{{ count }} more new {{ 'story' if count == 1 else 'stories' }}** (too many to alert one by one)
{% for item in items %}\
- [{{ item.topic }}] [{{ item.title }}]({{ item.url|mdurl }}) · {{ item.source }}
{% endfor %}"""

SUMMARY_HTML = """\
<div style="font-family:-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.45;max-width:640px">
<p style="margin:0 0 10px"><b>{{ count }} more new {{ 'story' if count == 1 else 'stories' }}</b> (too many to alert one by one)</p>
<ul style="margin:0;padding-left:20px">
{% for item in items %}\
<li style="margin:0 0 6px">[{{ item.topic }}] <a href="{{ item.url|href }}" style="color:#0b57d0;text-decoration:none">{{ item.title }}</a>\
<br><span style="color:#555;font-size:13px">{{ item.source }}</span></li>
{% endfor %}</ul></div>
"""

SUMMARY_TEXT = """\
{{ count }} more new {{ 'story' if count == 1 else 'stories' }} (too many to alert one by one)
{% for item in items %}\
- [{{ item.topic }}] {{ item.title }} · {{ item.source }}
  {{ item.url }}
{% endfor %}"""

TEST_TITLE = "[newswatch] Test notification"

TEST_MARKDOWN = """\
**newswatch can reach this target.**
Sent {{ now }}. New stories matching your topics will arrive like this.
"""

TEST_HTML = """\
<div style="font-family:-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.45">
<p style="margin:0 0 6px"><b>newswatch can reach this target.</b></p>
<p style="margin:0">Sent {{ now }}. New stories matching your topics will arrive like this.</p>
</div>
"""

TEST_TEXT = """\
newswatch can reach this target.
Sent {{ now }}. New stories matching your topics will arrive like this.
"""

HEALTH_TITLE = (
    "[newswatch] Source {{ source }} "
    "{% if state == 'ok' or state == 'recovered' %}is back{% else %}is {{ state }}{% endif %}"
)

HEALTH_MARKDOWN = """\
**Source {{ source }}**: {{ state }}{{ (" since " ~ since) if since else "" }}
{% if error %}
Error: {{ error }}
{% endif %}"""

HEALTH_HTML = """\
<div style="font-family:-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.45">
<p style="margin:0 0 6px"><b>Source {{ source }}</b>: {{ state }}{% if since %} since {{ since }}{% endif %}</p>
{% if error %}<p style="margin:0;color:#a00">Error: {{ error }}</p>{% endif %}
</div>
"""

HEALTH_TEXT = """\
Source {{ source }}: {{ state }}{{ (" since " ~ since) if since else "" }}
{% if error %}
Error: {{ error }}
{% endif %}"""
