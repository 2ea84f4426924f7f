"""The shop: a catalogue (money.py, catalog.py) and orders (orders.py, placing.py) that
never oversell, never lose a line and keep every price exact. Split by theme instead of
one model.py, each file under ~150 lines; errors.py names every rule's error."""
