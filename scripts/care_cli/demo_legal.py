"""The legal calendar of the demo's procurements: the award, the result
notice, the award letters and the challenge window of each awarded
procurement, and the signing, publication and filing of its contracts, all
in time; the year's tender gets one challenge, answered and not upheld."""
import datetime as dt

from . import demo_county


def fill(pool, procurements, contracts):
    """Date the calendar of the awarded procurements and of their
    contracts (still draft: they run once signed)"""
    Procurement = pool.get('care.procurement')
    Contract = pool.get('care.contract')
    Holiday = pool.get('social_assistance.holiday')
    after = Holiday.add_working_days
    awarded = [p for p in procurements if p.state == 'awarded']
    for procurement in awarded:
        # The re-run has no evaluation date yet: 12 days after its
        # announcement, as its documents were answered in 10
        evaluation = procurement.evaluation_date or (
            procurement.announcement_date + dt.timedelta(days=12))
        # The panel's report in 2 working days, the award on receipt
        award = after(evaluation, 2)
        notice = after(award, 1)
        Procurement.write([procurement], {
                'evaluation_date': evaluation,
                'award_date': award,
                'notice_date': notice,
                'award_letter_date': notice,
                })
    answered = {}
    if awarded:
        challenge = _challenge(pool, awarded[0])
        if challenge:
            answered[awarded[0].id] = challenge.answer_date
    for contract in contracts:
        procurement = Procurement(contract.lot.procurement.id)
        # Signed once the challenge window is over (and any challenge
        # answered), within the 30 days of the award letter
        signed = after(max(procurement.challenge_end,
                answered.get(procurement.id, procurement.challenge_end)), 1)
        signed = min(signed,
            procurement.award_letter_date + dt.timedelta(days=30))
        Contract.write([contract], {
                'signed_date': signed,
                'published_date': after(signed, 1),
                'filed_date': after(signed, 5),
                })


def _challenge(pool, procurement):
    """The supplier ranked second on the first awarded lot challenges the
    scores; the panel finds them right"""
    Challenge = pool.get('care.procurement.challenge')
    Holiday = pool.get('social_assistance.holiday')
    words = demo_county.words()
    lots = [l for l in procurement.lots if l.state == 'awarded']
    if not lots:
        return None
    lot = lots[0]
    others = sorted((b for b in lot.bids
            if b.valid and b != lot.awarded_bid and b.rank),
        key=lambda b: b.rank)
    if not others:
        return None
    received = Holiday.add_working_days(procurement.notice_end, 2)
    challenge, = Challenge.create([{
                'procurement': procurement.id,
                'lot': lot.id,
                'supplier': others[0].contractor.id,
                'received_date': received,
                'matter': words['challenge_matter'],
                }])
    Challenge.write([challenge], {
            'answer': words['challenge_answer'],
            'outcome': 'rejected',
            'answer_date': Holiday.add_working_days(received, 4),
            })
    Challenge.answer_([challenge])
    return challenge
