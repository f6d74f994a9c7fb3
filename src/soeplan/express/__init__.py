"""The monthly express report's arithmetic (月度快报) and budget execution (全面预算执行).

Pure functions over monthly long frames (``unit, entity, year, month, indicator, value`` or a
monthly rollup's values): :mod:`~soeplan.express.derived` (monthly amounts, 同比, 环比,
year-to-date ratios), :mod:`~soeplan.express.reconcile` (December against the annual figures),
:mod:`~soeplan.express.budget` (execution rates against the time elapsed, their findings, a
budget's rollup), :mod:`~soeplan.express.sample_budget` (the sample's synthetic budget),
:mod:`~soeplan.express.monthly_rollup` (a month-by-month rollup made of annual rollups) and
:mod:`~soeplan.express.files` (a monthly observations file). The report itself is
:mod:`soeplan.report.express`.
"""
