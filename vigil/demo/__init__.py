"""The fictional demo district, generated deterministically from a seed.

Every name, place, phone number and person here is invented (phone numbers use the 555-0100…0199
range reserved for fiction). Later features extend ``build()`` with their own history by adding
a step to ``STEPS`` in ``vigil.demo.builder``; none writes a generator of its own.
"""
