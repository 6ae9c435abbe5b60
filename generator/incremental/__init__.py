"""The build engine: ``pipeline.run`` lists the stages of a build in order; each
module owns one thing (``sources``: reading through the cache; ``keys``: every
cache key; ``plan``: what is clean and what is built; ``schedule`` and
``worker``: building the changed subjects; ``sitemodel``: the site model with
kept subjects; ``write``: what is rendered, kept and written; ``record``: what a
build keeps for the next and what the next finds of it; ``manifest``: what
a build wrote; ``artifacts``: what the cache keeps of each subject)."""
