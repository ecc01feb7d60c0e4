"""What treatments announces to the apps built on it, which it never imports."""

from django.dispatch import Signal

# A new toxin session was charted: sent with `session`, synchronously, inside the
# transaction that saved it (scheduling completes the day's appointment on it).
toxin_session_charted = Signal()
