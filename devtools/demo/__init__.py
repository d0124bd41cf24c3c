"""Fill an empty database with a fictional demo of Klientstöd Båstad.

``manage.py seed_demo`` creates the partner organisations, the process, one
user per role (password ``klientstod-demo``), about thirty fictional clients
with cases, meetings and consents, and the referral side: the published
information page, the referral behind every case (with its welcome letter),
declined and waiting referrals for people who are not clients, bookable times
and two consultations. Every person, number and note is made up:
the personnummer are generated (valid check digits, random birth numbers), the
phone numbers lie in the ranges PTS sets aside for fiction, and the e-mail
addresses are at example.se.

The work with the client follows the status report of the process plan: the
four self-assessment questionnaires (the Klientstöd one revised to a second
version after the clients found two questions hard, with answers on both),
self-assessments that mostly improve, a FIA interview for every case (four
completed, with summary and plan, the others spread over the other statuses),
bibliotherapy offers with one reading group and an information meeting,
interventions with the outcomes of the applications to Försäkringskassan, and
the contacts of the plan for samverkan. Min dag has self-assessments and a
six-month follow-up due.

The reporting follows the process plan too: milestones for the four metrics,
set around what the demo's cases and offers reach so that some are met and
some are not; the budget for last, this and next year with the costs of each
past tertial (the latest not yet invoiced); and the reporting calendar of
tertial reports, annual report, process plans and board meetings, with one
report overdue and a process plan due within a month for Min dag.

The demo is laid out around today's date, so that the coordinator's start
page has meetings today, meetings awaiting an outcome and meetings in the
coming week whenever it is run. The random choices come from one seeded
generator, so two runs on the same day give the same data.

It runs only with DEBUG on, and does nothing when the demo users exist.

The story is told in chapters, each a module: ``people``, ``referred`` and
``texts`` hold who and what; ``caseload``, ``referrals``, ``fia``,
``interventions``, ``assessments`` and ``reporting`` build it, in that order;
``builder`` puts it together.
"""
