"""The conformance kit a plugin's own test suite runs, and helpers for testing plugins.

A county's plugin calls :func:`check_plugin` from its tests::

    from soeplan.testing import check_plugin
    import soeplan_changshan.plugin as plugin

    def test_conforms():
        report = check_plugin(plugin)
        assert report.ok, report

:func:`check_plugin` loads the module next to the core (without installing it), then checks,
collecting every problem at once: it registers only hooks soeplan has; every hook answers without
raising and returns valid records (bilingual labels, ids, no clash with the core's ids); its
structure loads and rolls up; its rules run on the sample data and return findings frames; its
report sections render a :class:`~soeplan.sections.SectionContent` with Chinese and English text
everywhere; its observation loader returns a well-formed frame. :func:`assert_plugin` raises
:class:`ConformanceError` instead.

:func:`fake_distribution` writes a fake installed distribution (``NAME-VERSION.dist-info`` with
its entry points) so that discovery through ``importlib.metadata`` can be tested without pip.

The kit itself is :mod:`soeplan.testing.kit`, the checks of each kind of record a plugin
registers :mod:`soeplan.testing.contents`, the fake distributions
:mod:`soeplan.testing.distributions`.
"""

from soeplan.testing.contents import check_section_content, structure_problems
from soeplan.testing.distributions import fake_distribution, installed
from soeplan.testing.kit import ConformanceError, ConformanceReport, assert_plugin, check_plugin

__all__ = [
    "ConformanceError",
    "ConformanceReport",
    "assert_plugin",
    "check_plugin",
    "check_section_content",
    "fake_distribution",
    "installed",
    "structure_problems",
]
