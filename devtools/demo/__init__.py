"""Fill an empty database with a fictional demo of Klientstöd Båstad.

``manage.py seed_demo`` makes the partners, the process and one user per role
(password ``klientstod-demo``), then tells each of the thirty clients' stories
from the table in ``people``: the referral is sent and actualised, the meetings
of months are booked and their outcomes recorded (every outcome appears), the
FIA is taken to its status, and the case is closed and followed up if it
ended. Then the work around them (consents, bibliotherapy with a reading group,
interventions, samverkan, self-assessments on a revised questionnaire), the
referrals declined and waiting (one holding a bookable time), consultations, and
the reporting (milestones, budget and costs, the reporting calendar). Every
state change goes through its service; the factories make what has none.

The story is laid out around today, so Min dag has meetings today, meetings
awaiting an outcome, self-assessments and a follow-up due whenever it runs; one
seeded generator makes two runs on the same day alike. Every person, number and
note is made up (valid personnummer with random birth numbers, PTS's phone
ranges for fiction, addresses at example.se).

Modules, in the order the story is told: ``people`` (who: the clients' table),
``story`` (their cases), ``work``, ``referrals``, ``records``, ``build`` (all
of it, and a summary); ``texts`` and ``referred`` hold the Swedish texts.
"""
