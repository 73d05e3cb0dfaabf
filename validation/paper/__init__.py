"""The paper side by side (``lejepa-verify paper`` and the report's paper section).

One module per published result, each with its table for the page and its entries for the
scorecard (``paper_scorecard.json``: every number of ``validation/data/paper_numbers.toml``, ours
beside it, and a verdict):

- :mod:`.scaling`: their scaling table and its appendix columns (App. H.9);
- :mod:`.fingerprint`: the mixing's ``R²(x→z)`` and ``R²(z→x)``, no training;
- :mod:`.alpha`: the latent-law ablation (panel b, App. H.7);
- :mod:`.grid`: the λ × ρ grid (App. H.6);
- :mod:`.bound`: the bound figure's claim (panel a);
- :mod:`.mixings`, :mod:`.channel`: the 2D runs and what their two-view channel changes (no published number);
- :mod:`.reacher`: the Reacher table per ρ and per stride, the planning claims (read from the report's
  pixel section's files);

and the machinery: :mod:`.runs` (the sweeps' runs as typed records), :mod:`.measure` (ours for a
published number, and the cause a stored run tested), :mod:`.scorecard` (entries, verdicts, the
JSON), :mod:`.catalogue` (every result gathered, nothing of the file left out), :mod:`.page` and
:mod:`.orchestrate` (the one orchestration the command and the report section share).
Nothing here imports ``validation.sections``; the report's paper section imports this package.
"""
