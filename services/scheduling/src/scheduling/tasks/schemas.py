"""The task kinds scheduling lists in `GET /v1/tasks/mine` (the shape is `callcenter_shared.tasks.Task`)."""

from __future__ import annotations

from callcenter_shared.tasks import Task, TaskPage

KINDS: dict[str, str] = {
    "swap.accept": "a colleague asks you to swap shifts: accept or refuse (SWP-3); due when the earlier shift starts",
    "swap.consent": "your team leader filed a shift swap on your behalf: consent or refuse (SWP-8), unless the duty "
    "manager approves it as an emergency; due when the earlier shift starts",
    "swap.sign": "a swap of your team member waits for your signature as team leader (SWP-3)",
    "swap.approve": "a signed swap waits for your approval as the named manager (SWP-3)",
    "leave.approve": "a leave request waits for your decision, at your step of the chain (LEV-1); due when it starts",
    "leave.promoted": "a freed place under the team's leave cap took your waiting request to approval (LEV-6): "
    "withdraw it if you no longer need it; listed until it is decided",
    "staffing_change.decide": "a staffing reduction waits for you as the shift's duty manager (ROS-2); link: the shift",
    "handover.acknowledge": "an open handover item names you as receiver: read it back (HND-6); due at its due time",
    "handover.answer": "an incoming colleague's handover question waits for an answer from the outgoing shift (HND-4)",
    "handover.sign_off": "your team's open handover waits for your report and sign-off as its leader (HND-2, HND-4)",
    "handover.damage_acknowledge": "equipment damage recorded at a handover was reported to you as the shift's duty "
    "manager (level 3 if none is named): take it in (HND-10); link: the handover",
    "roster.fill_gap": "a shift of your team is short because an agent went off post for training: roster someone "
    "(PRF-9); due when the shift starts; link: the shift",
}

__all__ = ["KINDS", "Task", "TaskPage"]
