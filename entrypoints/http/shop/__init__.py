"""The shop's HTTP edge: the catalogue (catalog.py: public reads, admin writes) and orders
(orders.py), their schemas, money in and out of JSON (money.py), the route classes that
parse numbers exactly and know an optional caller (routing.py), and the sweeper that
expires unpaid orders while the server runs (sweeper.py)."""
