"""Classified assessment (分类考核): schemes, standard values and efficacy-coefficient scores.

``records`` holds the bands, grades, schemes, standard values and special items; ``efficacy``
the scoring rule of 财统字〔1999〕6号 on numbers and polars expressions; ``files`` reads and
checks the scheme, standard-value and special-item files; ``score`` scores a year's enterprises
(:func:`score_enterprises`); ``defaults`` the core's default schemes and the sample's synthetic
standard values. docs/explanation/classified-assessment.md explains the method.
"""
