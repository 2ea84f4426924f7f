"""The shop's HTTP edge: the catalogue (catalog.py: public reads, admin writes) and orders
(orders.py), their schemas, money in and out of JSON (money.py), the route classes that
parse numbers exactly and know an optional caller (routing.py). The sweeper that expires
unpaid orders while the server runs is entrypoints/sweeper.py (the CLI runs it too)."""
