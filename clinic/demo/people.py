"""The demo clinic's people: staff logins, and the names, places and build the
fictional patients are drawn from."""

from dataclasses import dataclass

from patients.models import (
    Condition,
    ReminderChannel,
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    credentials: str

    @property
    def password(self) -> str:
        return f"demo-{self.username}"


DEMO_USERS = (
    DemoUser("neurologist", "Neurologist", "Helen", "Ashcombe", "MD"),
    DemoUser("neurologist2", "Neurologist", "Rahul", "Merriweather", "MD"),
    DemoUser("injector", "Injector", "Tom", "Fairweather", "RN"),
    DemoUser("therapist", "Therapist", "Nadia", "Brookhart", "PT"),
    DemoUser("scheduler", "Scheduler", "Jo", "Sparrowhawk", ""),
    DemoUser("clinicadmin", "Clinic admin", "Chris", "Holloway", ""),
)

WOMEN = (
    "Margaret", "Susan", "Patricia", "Janet", "Linda", "Carol", "Gillian", "Ruth",
    "Sarah", "Claire", "Fiona", "Joanne", "Rachel", "Amara", "Priya", "Yasmin",
    "Ewa", "Grace", "Maureen", "Bernadette",
)  # fmt: skip
MEN = (
    "David", "John", "Peter", "Michael", "Richard", "Stephen", "Graham", "Colin",
    "Paul", "Andrew", "Simon", "Tariq", "Kwame", "Rahul", "Piotr", "Declan", "Owen",
    "Trevor",
)  # fmt: skip
GIRLS = ("Isla", "Poppy", "Freya", "Ava", "Maisie", "Zara", "Ellie", "Nia")
BOYS = ("Oliver", "Alfie", "Leo", "Noah", "Arlo", "Reuben", "Kai", "Finn")
# Storybook surnames: plausible on a chart, yet plainly not real people.
FAMILY_NAMES = (
    "Applegarth", "Birchwood", "Blackthorn", "Bramblewood", "Brookmere", "Dovecote",
    "Fernhill", "Foxglove", "Hazelwood", "Heronsgate", "Kestrelby", "Larkworthy",
    "Meadowcroft", "Millbrook", "Nettlefold", "Oakhurst", "Pebblestone", "Quillfeather",
    "Rookwood", "Rushmere", "Sedgewick", "Sloeberry", "Thistlewood", "Thornbury",
    "Wildermoor", "Willowmere", "Wrenfield", "Yarrowby",
)  # fmt: skip
STREETS = ("Mill Lane", "Church Road", "Station Road", "Orchard Close", "Meadow Way")
TOWNS = ("Eastbrook", "Westmere", "Little Fenning", "Northcote St Mary")
REFERRERS = (
    "Dr A. Pemberton, GP",
    "Dr S. Okonjo, GP",
    "Dr L. Hartigan, ophthalmology",
    "Dr M. Quill, GP",
    "Dr R. Castellano, ENT",
)
NEUROSURGEON = "Ms E. Marsh, consultant neurosurgeon"
REMINDER_CHANNELS = (
    ReminderChannel.SMS,
    ReminderChannel.SMS,
    ReminderChannel.EMAIL,
    ReminderChannel.LETTER,
    ReminderChannel.PHONE,
)
FEMALE_SHARE = {Condition.HEMIFACIAL_SPASM: 0.65, Condition.BLEPHAROSPASM: 0.7}
# Typical weight (kg) by age, for children's toxin dosing.
CHILD_WEIGHT_KG = {
    6: 21, 7: 23, 8: 26, 9: 29, 10: 32, 11: 36, 12: 40, 13: 45, 14: 50, 15: 55,
    16: 58, 17: 61,
}  # fmt: skip
