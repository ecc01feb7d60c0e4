"""The fixed lists the generator draws from: names, places, sites and lots.

Plain data, so that the generator's functions stay about what a record holds.
"""

from clinic.demo.people import REFERRERS as REFERRERS  # the same as the demo's
from clinic.demo.people import STREETS as STREETS
from clinic.demo.people import TOWNS as DEMO_TOWNS
from patients.models import Condition, Laterality
from treatments.models import Muscle, Product

WOMEN = (
    "Margaret", "Susan", "Patricia", "Janet", "Linda", "Carol", "Gillian", "Ruth",
    "Sarah", "Claire", "Fiona", "Joanne", "Rachel", "Amara", "Priya", "Yasmin",
    "Ewa", "Grace", "Maureen", "Bernadette", "Chloe", "Helena", "Ingrid", "Lucia",
    "Mei", "Nadia", "Olga", "Rosa", "Sofia", "Teresa", "Ursula", "Zainab",
)  # fmt: skip
MEN = (
    "David", "John", "Peter", "Michael", "Richard", "Stephen", "Graham", "Colin",
    "Paul", "Andrew", "Simon", "Tariq", "Kwame", "Rahul", "Piotr", "Declan", "Owen",
    "Trevor", "Ahmed", "Bruno", "Carlos", "Dmitri", "Emeka", "Felix", "Hiroshi",
    "Ivan", "Jorge", "Luca", "Marek", "Nikhil", "Oscar", "Rafael",
)  # fmt: skip
GIRLS = ("Isla", "Poppy", "Freya", "Ava", "Maisie", "Zara", "Ellie", "Nia", "Lily")
BOYS = ("Oliver", "Alfie", "Leo", "Noah", "Arlo", "Reuben", "Kai", "Finn", "Theo")
# Storybook surnames, a few common ones (so that admin search "smith" finds some)
# and accented ones (so that accent-insensitive search has work to do).
FAMILY_NAMES = (
    "Applegarth", "Birchwood", "Blackthorn", "Bramblewood", "Brookmere", "Dovecote",
    "Fernhill", "Foxglove", "Hazelwood", "Heronsgate", "Kestrelby", "Larkworthy",
    "Meadowcroft", "Millbrook", "Nettlefold", "Oakhurst", "Pebblestone", "Quillfeather",
    "Rookwood", "Rushmere", "Sedgewick", "Sloeberry", "Thistlewood", "Thornbury",
    "Wildermoor", "Willowmere", "Wrenfield", "Yarrowby", "Smith", "Smithers",
    "Goldsmith", "Jones", "Okafor", "Nguyen", "García", "Müller", "Kowalski", "Patel",
    "Andersson", "Dubois", "Rossi", "Novak", "O'Brien", "MacLeod", "Fernández",
    "Løvland", "Brennan", "Castellano", "Delacroix", "Eriksen", "Fitzgerald",
    "Hartigan", "Ibrahim", "Jankowski", "Kaur", "Lindqvist", "Moreau", "Nakamura",
    "Oyelaran", "Pemberton", "Quintero", "Rasmussen", "Szabó", "Takahashi",
)  # fmt: skip
# The demo clinic's streets and referrers; one town more for a larger clinic.
TOWNS = (*DEMO_TOWNS, "Ashby")
CHILD_WEIGHT_KG = {
    6: 21, 7: 23, 8: 26, 9: 29, 10: 32, 11: 36, 12: 40, 13: 45, 14: 50, 15: 55,
    16: 58, 17: 61,
}  # fmt: skip

# (condition, weight): roughly a facial-twitching clinic's case mix.
CONDITIONS = (
    (Condition.HEMIFACIAL_SPASM, 34),
    (Condition.BLEPHAROSPASM, 26),
    (Condition.FACIAL_MYOKYMIA, 8),
    (Condition.BELLS_PALSY, 8),
    (Condition.POST_PARALYTIC_SYNKINESIS, 8),
    (Condition.TIC_DISORDER, 5),
    (Condition.MULTIPLE_SCLEROSIS, 3),
    (Condition.DYSTONIA, 3),
    (Condition.PARKINSONS, 2),
    (Condition.BENIGN_TWITCHING, 3),
)
TOXIN_CONDITIONS = {
    Condition.HEMIFACIAL_SPASM,
    Condition.BLEPHAROSPASM,
    Condition.POST_PARALYTIC_SYNKINESIS,
    Condition.DYSTONIA,
}
SIDED = {Condition.HEMIFACIAL_SPASM, Condition.POST_PARALYTIC_SYNKINESIS}
SIDES = (Laterality.LEFT, Laterality.LEFT, Laterality.RIGHT)
PREFERRED_CODES = {
    Condition.TIC_DISORDER: "F95.2",
    Condition.MULTIPLE_SCLEROSIS: "G35.A",
    Condition.DYSTONIA: "G24.4",
    Condition.PARKINSONS: "G20.A1",
    Condition.BENIGN_TWITCHING: "R25.3",
}

# Product mix: mostly Botox, some Xeomin, a few Dysport.
PRODUCTS = (
    (Product.ONABOTULINUMTOXINA, 70),
    (Product.INCOBOTULINUMTOXINA, 20),
    (Product.ABOBOTULINUMTOXINA, 10),
)
# (vial units, diluent volumes in mL, units per Botox unit, lot prefix)
VIALS = {
    Product.ONABOTULINUMTOXINA: (100, ("2", "4"), 1, "C"),
    Product.INCOBOTULINUMTOXINA: (100, ("2", "4"), 1, "X"),
    Product.ABOBOTULINUMTOXINA: (500, ("2.5",), 3, "M"),
}
# Lots in use per product per quarter: at 100,000 patients a Botox lot is shared
# by about two thousand sessions.
LOTS_PER_QUARTER = 24
SITE_MUSCLES = tuple(m for m in Muscle.values if m != Muscle.PROCERUS)
SITE_UNITS = ("2.5", "2.5", "5", "1.25", "3.75")
CONSENT_LEAFLET = "BoNT leaflet v4 (2024)"
WASTE_REASON = "Single-patient vial: remainder discarded."
DRUGS = (
    ("clonazepam", "0.5", "mg", "oral", "at night"),
    ("carbamazepine", "100", "mg", "oral", "twice daily"),
    ("baclofen", "10", "mg", "oral", "three times daily"),
    ("carbomer 0.2% eye gel", "1", "drop", "ophthalmic", "four times daily"),
)
