"""Progress against the plan: yearly milestones and the assessment of each target."""
