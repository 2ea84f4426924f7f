"""The shop's HTTP edge: the catalogue (catalog.py: public reads, admin writes) and orders
(orders.py), their schemas, and money in and out of JSON (money.py). Exact JSON numbers
and the optional caller of public routes come from the shared route class
(entrypoints/http/routing.py). The sweeper that expires unpaid orders while the server
runs is a job of the shop container (entrypoints/jobs.py runs it; so does the CLI)."""
