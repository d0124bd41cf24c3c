"""Referrals (remiss) from partner caseworkers: the models land with the referral portal."""
