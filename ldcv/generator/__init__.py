"""Generate a research institute's CVs: realistic sizes, shared coauthors, overlapping papers.

``plan_institute`` draws the owners, their papers and everyone else they name,
deterministically for a seed; ``write_cvs`` writes each owner's CV as
``<owner-key>.yaml`` (``ldcv generate``). Every file validates on its own, and the
directory loads as one dataset.

The stages: ``plan`` (groups, owners, careers' places) → ``papers`` (who writes what,
where) → ``career`` (what each CV alone says) → ``yaml_text`` (the files). ``people``
gives out names whose bylines nobody else has or nearly has; ``words`` is the data.
"""

from ldcv.generator.model import InstitutePlan
from ldcv.generator.plan import SEED_MEAN_PUBLICATIONS, plan_institute, write_cvs

__all__ = ["SEED_MEAN_PUBLICATIONS", "InstitutePlan", "plan_institute", "write_cvs"]
