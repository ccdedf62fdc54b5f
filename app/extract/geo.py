"""Countries from their names, adjectives and capitals (pycountry, and the tables below that
pycountry lacks: demonyms, capitals, the short names news use)."""

from functools import cache

import pycountry

# Names news use where ISO's differs ("Russia", not "Russian Federation").
SHORT_NAMES = {
    "RU": "Russia",
    "GB": "United Kingdom",
    "US": "United States",
    "KR": "South Korea",
    "KP": "North Korea",
    "IR": "Iran",
    "SY": "Syria",
    "VN": "Vietnam",
    "TR": "Turkey",
    "LA": "Laos",
    "TW": "Taiwan",
    "MD": "Moldova",
    "TZ": "Tanzania",
    "VE": "Venezuela",
    "BO": "Bolivia",
    "CZ": "Czech Republic",
    "CD": "Democratic Republic of the Congo",
}
EXTRA_NAMES = {
    "america": "US",
    "us": "US",
    "usa": "US",
    "u.s.": "US",
    "britain": "GB",
    "great britain": "GB",
    "uk": "GB",
    "u.k.": "GB",
    "england": "GB",
    "holland": "NL",
    "czechia": "CZ",
    "türkiye": "TR",
    "ivory coast": "CI",
    "burma": "MM",
    "the united states": "US",
    "the netherlands": "NL",
    "the philippines": "PH",
    "the uae": "AE",
    "uae": "AE",
}
_DEMONYMS = """
RU Russian; FR French; DE German; GB British; US American; CN Chinese; JP Japanese;
IN Indian; IT Italian; ES Spanish; UA Ukrainian; PL Polish; TR Turkish; IR Iranian;
SY Syrian; LY Libyan; IQ Iraqi; IL Israeli; PS Palestinian; EG Egyptian; SA Saudi;
KR South Korean; KP North Korean; VN Vietnamese; TH Thai; ID Indonesian; MY Malaysian;
SG Singaporean; PH Filipino,Philippine; AU Australian; NZ New Zealand; CA Canadian;
MX Mexican; BR Brazilian; AR Argentine,Argentinian; CL Chilean; CO Colombian; CU Cuban;
VE Venezuelan; ZA South African; NG Nigerian; KE Kenyan; ET Ethiopian; DZ Algerian;
MA Moroccan; TN Tunisian; PK Pakistani; AF Afghan; BD Bangladeshi; LK Sri Lankan;
NP Nepalese,Nepali; MN Mongolian; KZ Kazakh; UZ Uzbek; BY Belarusian; GE Georgian;
AM Armenian; AZ Azerbaijani; GR Greek; PT Portuguese; NL Dutch; BE Belgian; CH Swiss;
AT Austrian; SE Swedish; NO Norwegian; FI Finnish; DK Danish; IE Irish; HU Hungarian;
CZ Czech; SK Slovak; RO Romanian; BG Bulgarian; RS Serbian; HR Croatian; SI Slovenian;
QA Qatari; AE Emirati; KW Kuwaiti; JO Jordanian; LB Lebanese; LA Lao,Laotian;
KH Cambodian; MM Myanmar,Burmese; CY Cypriot; EE Estonian; LV Latvian; LT Lithuanian
"""
_CAPITALS = """
RU Moscow,Kremlin; FR Paris,Elysee,Élysée; DE Berlin; GB London; US Washington,White House;
CN Beijing; JP Tokyo; IN New Delhi; IT Rome; ES Madrid; UA Kyiv,Kiev; PL Warsaw;
TR Ankara; IR Tehran; SY Damascus; IL Jerusalem; EG Cairo; SA Riyadh; KR Seoul;
KP Pyongyang; VN Hanoi; TH Bangkok; ID Jakarta; MY Kuala Lumpur; AU Canberra; CA Ottawa;
MX Mexico City; BR Brasilia,Brasília; AR Buenos Aires; ZA Pretoria; NG Abuja; KE Nairobi;
PK Islamabad; AF Kabul; BY Minsk; GE Tbilisi; AM Yerevan; AZ Baku; GR Athens;
PT Lisbon; NL The Hague,Amsterdam; BE Brussels; AT Vienna; SE Stockholm; NO Oslo;
FI Helsinki; DK Copenhagen; IE Dublin; HU Budapest; CZ Prague; RO Bucharest;
BG Sofia; RS Belgrade; KZ Astana,Nur-Sultan; MN Ulaanbaatar; LA Vientiane;
KH Phnom Penh; SG Singapore; PH Manila; QA Doha; AE Abu Dhabi; CU Havana; CH Bern
"""


def _table(spec: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for entry in spec.split(";"):
        code, _, words = entry.strip().partition(" ")
        for word in words.split(","):
            table[word.strip().lower()] = code
    return table


DEMONYMS = _table(_DEMONYMS)
CAPITALS = _table(_CAPITALS)


@cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for field in ("name", "common_name", "official_name"):
            value = getattr(country, field, None)
            if value:
                names[value.lower()] = country.alpha_2
    names.update({name.lower(): code for code, name in SHORT_NAMES.items()})
    names.update(EXTRA_NAMES)
    return names


def country_name(code: str) -> str:
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "common_name", None) or country.name) if country else code


def _clean(mention: str) -> str:
    text = mention.strip().lower().replace("’", "'")
    for suffix in ("'s", "'"):
        text = text.removesuffix(suffix)
    return text


def country_by_name(mention: str) -> str | None:
    """The code of a country named ("France", "Russian Federation"), else None."""
    text = _clean(mention)
    return _names().get(text) or _names().get(text.removeprefix("the "))


def country_by_adjective(mention: str) -> str | None:
    return DEMONYMS.get(_clean(mention))


def country_of(mention: str) -> str | None:
    """A country from its name, its adjective or its capital ("Paris" stands for France)."""
    text = _clean(mention)
    return country_by_name(text) or DEMONYMS.get(text) or CAPITALS.get(text)


def capital_of(mention: str) -> str | None:
    return CAPITALS.get(_clean(mention))
