"""HTML pages: views of the graph, CV sections, citations and display text, rendered
with the one Jinja environment from templates/, with static/ beside them."""
