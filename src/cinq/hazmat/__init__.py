"""Hazardous materials: the primitives under cinq's recipes.

.. warning::
   Nothing in this package stops you from reusing a pad page, forging a message or
   leaking a key. Use the recipes :func:`cinq.encrypt` and :func:`cinq.decrypt`, which
   take each page from a pad book exactly once, burn it after reading and check the
   message's check groups. Reach in here only when you know exactly why (teaching,
   analysis, interoperating with a hand system).

As in pyca/cryptography, the dangerous layer has its own namespace so that reaching for
it is a deliberate act that reads as one in the code:

* :mod:`cinq.hazmat.cipher`: the bare mod-10 encipherment, digit by digit, no carry.
* :mod:`cinq.hazmat.pad`: raw pad digits straight from the operating system's CSPRNG,
  with no book to record that they were used.
* :mod:`cinq.hazmat.pages`: a pad book's digits read out without marking the pages
  (``peek_key``, ``peek_pages``): nothing records that they were read.
* :mod:`cinq.hazmat.forge`: the key under which chosen check groups verify
  (``key_for``), which forges any message; decoy books are made with it.
"""
