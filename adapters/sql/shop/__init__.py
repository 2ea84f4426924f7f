"""The shop's SQL adapters: products.py, orders.py (+ order_rows.py) and the shop's unit
of work (uow.py). Tables in adapters/sql/tables/shop.py; idempotency keys are the shared
adapters/sql/idempotency.py."""
