"""What the notify app declares to the permission layer: nothing, on purpose.

Messages, channel choices and delivery logs are personal, not records of a unit: no model here refers to the
organisation tree (so maharat.E002 has nothing to ask), no role reads another person's inbox, and every page
filters by the signed-in user itself (views._own answers another user's message with a 404). The entry point
is the badge in the navigation bar (templates/notify/partials/badge.html), not a menu item; the logs are in
the admin for superusers only (admin.py).
"""
