"""The HTTP servers: the API and dashboard, alerts and outputs, the editor's and the audit's routes.

What other packages use from it is named here and imported only when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crowdcount.faces import lazy_names

if TYPE_CHECKING:
    from crowdcount.server.app import check_token, create_app, create_editor_app, needs_token
    from crowdcount.server.live_site import counting_live, stream_cameras
    from crowdcount.server.monitor import Monitor
    from crowdcount.server.outputs import outputs_for
    from crowdcount.server.serve import check_port_free, serve_app

_WHERE = {
    "Monitor": "monitor",
    "check_port_free": "serve",
    "check_token": "app",
    "counting_live": "live_site",
    "create_app": "app",
    "create_editor_app": "app",
    "needs_token": "app",
    "outputs_for": "outputs",
    "serve_app": "serve",
    "stream_cameras": "live_site",
}
__all__ = [
    "Monitor",
    "check_port_free",
    "check_token",
    "counting_live",
    "create_app",
    "create_editor_app",
    "needs_token",
    "outputs_for",
    "serve_app",
    "stream_cameras",
]

__getattr__ = lazy_names(__name__, _WHERE)
