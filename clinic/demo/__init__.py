"""The demo clinic: plain data (people.py, stories.py, plan.py) and the builder
that writes it through the product's services (builder.py)."""
