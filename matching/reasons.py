"""Why a step or an order cannot be placed, as a code with parameters, so that the app can word it in the user's
language: a :class:`Msg` is a ``str`` (the English text the API and the logs show) that keeps ``code`` and
``params``, like ``quoting.messages.Msg`` (matching imports nothing of the other packages). The templates are
gettext message ids (Babel extracts the ``N_`` marks). Parameters named ``process`` hold process codes and
``material`` material codes (the app shows them by name)."""
from __future__ import annotations


def N_(text: str) -> str:
    """Marks a template for extraction; the app translates it when it words a reason."""
    return text


TEMPLATES: dict[str, str] = {
    "plan.no_process": N_("no machine in the cluster does %(process)s"),
    "plan.no_material": N_("no %(process)s machine takes %(material)s"),
    "plan.envelope": N_("the part (%(envelope)s mm) is larger than every %(process)s machine"),
    "plan.tolerance": N_("a tolerance of %(tolerance)g mm cannot be held on any %(process)s machine"),
    "plan.all_declined": N_("every capable %(process)s machine has declined this step"),
    "plan.no_window": N_("no capable machine has an idle window of %(minutes)d minutes or more before the end of the "
                         "planning horizon"),
    "plan.order_blocked": N_("the order cannot be completed: other steps of it cannot be placed"),
    "plan.no_slot": N_("no capable machine has a free slot before the end of the planning horizon (its capacity is "
                       "taken by bookings and other orders)"),
    "plan.dropped": N_("the optimiser found no joint schedule that fits capacity and idle windows before the end of "
                       "the planning horizon"),
    "plan.infeasible": N_("no schedule satisfies the idle windows, capacity, step order and started steps before the "
                          "end of the planning horizon"),
}


class Msg(str):
    """English text with the code and parameters it was made from."""

    def __new__(cls, code: str, **params) -> Msg:
        self = super().__new__(cls, TEMPLATES[code] % params if params else TEMPLATES[code])
        self.code, self.params = code, params
        return self
