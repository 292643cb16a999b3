"""A buyer firm's saved delivery addresses, and the one way a delivery point is taken from a form: a saved address,
or a typed address with a pin set on the map (latitude and longitude are never typed by hand)."""
