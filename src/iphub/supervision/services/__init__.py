"""Every write of the supervision app: the plan, monthly reports, reminders, scoring schemes."""
