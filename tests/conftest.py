"""Test-wide settings: Qt renders offscreen, so the suite needs no display; hypothesis does
not fail a property test because the machine is slow (a shared CI runner)."""

import os

from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# a deadline or a health check that measures wall time fails a correct test on a loaded
# machine (speed is measured in bench/, not here); each test keeps its own example count
settings.register_profile("leadersim", deadline=None,
                           suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("leadersim")
