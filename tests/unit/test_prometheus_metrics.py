"""The Prometheus adapter's own arithmetic: requests tallied in plain Python and flushed
must read exactly as prometheus-client's own observe() would have made them."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Histogram, generate_latest

from adapters.metrics.prometheus import PrometheusMetrics
from application.shared.events import BusinessEvent
from tests.http.metrics_helpers import parse, value

DURATIONS = [0.001, 0.005, 0.02, 0.3, 3.0, 10.0, 20.0]
ROUTE = "/todos/{todo_id}"


def test_flushed_tallies_read_as_observed_ones() -> None:
    metrics = PrometheusMetrics()
    reference = Histogram("ref", "", ("route",), registry=(registry := CollectorRegistry()))
    for seconds in DURATIONS:
        metrics.observe_request("GET", ROUTE, 200, seconds)
        reference.labels(ROUTE).observe(seconds)
    assert value(parse(metrics.exposition().decode()), "caseworks_http_requests_total") == 0
    metrics.flush()
    ours = parse(metrics.exposition().decode())
    theirs = parse(generate_latest(registry).decode())
    name = "caseworks_http_request_duration_seconds"
    for sample in (s for s in theirs if s.name.startswith("ref")):
        suffix = sample.name.removeprefix("ref")
        labels = {k: v for k, v in sample.labels.items() if k == "le"}
        assert value(ours, name + suffix, route=ROUTE, **labels) == sample.value, sample
    assert value(ours, "caseworks_http_requests_total", route=ROUTE) == len(DURATIONS)
    metrics.observe_request("GET", ROUTE, 200, 0.001)  # a second flush adds to the first
    metrics.flush()
    again = parse(metrics.exposition().decode())
    assert value(again, "caseworks_http_requests_total", route=ROUTE) == len(DURATIONS) + 1


def test_a_method_no_route_knows_is_one_label() -> None:
    metrics = PrometheusMetrics()
    for method in ("BREW", "PROPFIND", "X" * 100):
        metrics.observe_request(method, "unmatched", 405, 0.001)
    metrics.flush()
    samples = parse(metrics.exposition().decode())
    methods = {s.labels["method"] for s in samples if s.name == "caseworks_http_requests_total"}
    assert methods == {"other"}


def test_every_business_event_has_its_counter() -> None:
    metrics = PrometheusMetrics()
    for event in BusinessEvent:
        metrics.record(event)
    samples = parse(metrics.exposition().decode())
    counters = {s.name for s in samples if s.name.endswith("_total") and s.value == 1}
    assert len(counters) == len(BusinessEvent)
