"""Small gazetteer of regions and countries used to recognise a "City, Region" location.

Only first-level regions and countries: cities are open-ended, so a location is accepted by
its shape ("Word, Region") and the region confirms it.
"""

from __future__ import annotations

import functools

from pipeline.parser.lines import fold

US_STATES = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
    "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
    "VA", "WA", "WV", "WI", "WY", "DC", "ON", "QC", "BC", "AB", "MB", "SK", "NS", "NB", "NL",
    "PE",
}
REGIONS = {
    # US states
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut",
    "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa",
    "kansas", "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan",
    "minnesota", "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire",
    "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio",
    "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota",
    "tennessee", "texas", "utah", "vermont", "virginia", "washington", "west virginia",
    "wisconsin", "wyoming",
    # Indian states and territories
    "andhra pradesh", "arunachal pradesh", "assam", "bihar", "chhattisgarh", "goa", "gujarat",
    "haryana", "himachal pradesh", "jharkhand", "karnataka", "kerala", "madhya pradesh",
    "maharashtra", "manipur", "meghalaya", "mizoram", "nagaland", "odisha", "orissa", "punjab",
    "rajasthan", "sikkim", "tamil nadu", "telangana", "tripura", "uttar pradesh", "uttarakhand",
    "west bengal", "delhi", "new delhi", "chandigarh", "jammu and kashmir", "puducherry",
    # Canadian provinces, UK nations, Australian states
    "ontario", "quebec", "british columbia", "alberta", "manitoba", "saskatchewan",
    "nova scotia", "new brunswick", "england", "scotland", "wales", "northern ireland",
    "new south wales", "victoria", "queensland", "tasmania",
}
COUNTRIES = {
    "usa", "us", "united states", "united states of america", "india", "canada", "uk",
    "united kingdom", "australia", "germany", "france", "spain", "italy", "netherlands",
    "ireland", "singapore", "uae", "united arab emirates", "japan", "china", "brazil",
    "mexico", "south africa", "nigeria", "kenya", "pakistan", "bangladesh", "sri lanka",
    "nepal", "philippines", "indonesia", "malaysia", "new zealand", "sweden", "norway",
    "denmark", "finland", "poland", "portugal", "switzerland", "austria", "belgium", "israel",
    "egypt", "saudi arabia", "qatar", "argentina", "chile", "colombia", "peru", "vietnam",
    "thailand", "south korea", "korea", "russia", "ukraine", "turkey", "greece", "romania",
    "czech republic", "hungary", "ghana", "morocco",
}


def is_region(text: str) -> bool:
    """Whether `text` names a state/province/country (abbreviations in capitals only)."""
    t = text.strip().rstrip(".")
    t = " ".join(w for w in t.split() if not w.isdigit())
    if t.upper() == t and t in US_STATES:
        return True
    low = t.lower()
    return low in REGIONS or low in COUNTRIES or (len(low) > 3 and fold(low) in _world())


@functools.cache
def _world() -> frozenset[str]:
    """Country names in every language we read ("Schweiz", "España", "日本"), from CLDR."""
    from pipeline.parser.countries import country_names

    return frozenset(country_names())
