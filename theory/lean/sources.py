"""The authors' 43 Lean declarations, read off their files: the one table every reader uses (docs/theory.md §6).

Everything here is data transcribed by reading the public repository
``klindtlab/lejepa-identifiability`` (folder ``lean/``) on its main branch at ``de7503f``, and
the open pull request ``refs/pull/1/head`` at ``b3a85f7`` ("Harden Lean axioms: discharge 6,
remove 2 unsound, drop stale duplicates"). :data:`DECLARATIONS` holds, for each of the 13
axioms and 30 theorems of ``lean/LeJEPA/{Hermite,Uniqueness,Approx,Dirichlet,Planning}.lean``:
its kind, file and line on main, a one- or two-line excerpt as a citation, what its docstring
says it stands for, the paper result it belongs to, the lemmas and axioms its proof text names
(with the line of each call), and what the pull request does with it (its kind and line there,
or "removed"). The axiom list of :mod:`theory.axioms`, the audit readings
(:mod:`theory.lean.readings`), the audit claims and the report sections all read this table.

The dependency column is a *textual reading*: a name counts as used when it appears in the proof
text of the theorem (docstrings excluded). Lean's own ``#print axioms`` was not run here (no Lean
toolchain); it would list the same axioms wherever the proof terms match the text.

On main, ``lean/LeJEPA/PropApprox.lean``, ``ThmDirichlet.lean`` and ``ThmHermite.lean`` are stale
duplicates of ``Approx.lean``, ``Dirichlet.lean`` and ``Hermite.lean`` (byte-identical for the first
two; ``ThmHermite.lean`` only by a commented-out first line ``-- import Mathlib``) that ``lean/LeJEPA.lean`` does not import; the
pull request deletes them. They add no declaration and are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass

REPOSITORY = "klindtlab/lejepa-identifiability"
#: The main branch read (``refs/heads/main``).
MAIN_COMMIT = "de7503f1b2291ba1e9fc03d9c433180794803440"
#: The open pull request's head (``refs/pull/1/head``).
PR_COMMIT = "b3a85f75483c4d9af06bcd64a323b888e300cc45"

KINDS = ("axiom", "theorem")
#: What the pull request does with a declaration: keeps its kind, or removes it.
PR_KINDS = ("axiom", "theorem", "removed")

#: Each Lean file and the paper result it formalises. The paper numbers its results Theorem 1-4
#: plus an appendix theorem; the Lean files call them Theorem 4.1, 4.2, Proposition 4.3 and
#: Corollary 4.5 (validation/data/paper_numbers.toml, [theory_statements]).
PAPER = {
    "Hermite": "paper Theorem 1 (Lean Theorem 4.1)",
    "Uniqueness": "paper Theorem 2 (Lean Theorem 4.2)",
    "Approx": "paper Theorem 3 (Lean Proposition 4.3)",
    "Dirichlet": "paper appendix theorem (Dirichlet route; Lean 'Appendix C')",
    "Planning": "paper Theorem 4 (Lean Corollary 4.5)",
}


@dataclass(frozen=True)
class LeanSource:
    """One Lean file as read: path in the repository, the commit of the version read, a note."""

    key: str
    path: str
    commit: str | None
    note: str

    def cite(self, line: int | None = None) -> str:
        """``path[:line] @ commit`` of this Lean file in the authors' repository."""
        where = self.path + (f":{line}" if line is not None else "")
        at = f" @ {self.commit[:7]}" if self.commit else " (commit not named by the index)"
        return where + at

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"key": self.key, "path": self.path, "commit": self.commit, "note": self.note}


#: The files of the main branch (de7503f) that ``lean/LeJEPA.lean`` imports.
SOURCES: dict[str, LeanSource] = {
    s.key: s
    for s in (
        LeanSource("Hermite", "lean/LeJEPA/Hermite.lean", MAIN_COMMIT,
                   "main: Theorem 4.1 via Hermite weights (4 axioms, 9 theorems)"),
        LeanSource("Uniqueness", "lean/LeJEPA/Uniqueness.lean", MAIN_COMMIT,
                   "main: Theorem 4.2, the converse (2 axioms, 4 theorems)"),
        LeanSource("Approx", "lean/LeJEPA/Approx.lean", MAIN_COMMIT,
                   "main: Proposition 4.3 (2 axioms, 8 theorems; byte-identical to the stale PropApprox.lean)"),
        LeanSource("Dirichlet", "lean/LeJEPA/Dirichlet.lean", MAIN_COMMIT,
                   "main: the Dirichlet-energy route (3 axioms, 4 theorems)"),
        LeanSource("Planning", "lean/LeJEPA/Planning.lean", MAIN_COMMIT,
                   "main: Corollary 4.5 (2 axioms, 5 theorems)"),
        LeanSource("Root", "lean/LeJEPA.lean", MAIN_COMMIT,
                   "main: imports Hermite, Uniqueness, Approx, Dirichlet, Planning (lines 1-5)"),
    )
}

#: The same files in the pull request (b3a85f7).
PR_SOURCES: dict[str, LeanSource] = {
    s.key: s
    for s in (
        LeanSource("Hermite", "lean/LeJEPA/Hermite.lean", PR_COMMIT,
                   "pull request: mehler_summability and orthogonal_of_gaussian_linear become theorems"),
        LeanSource("Uniqueness", "lean/LeJEPA/Uniqueness.lean", PR_COMMIT,
                   "pull request: gaussian_of_affine_score becomes a theorem"),
        LeanSource("Approx", "lean/LeJEPA/Approx.lean", PR_COMMIT,
                   "pull request: polar_bound_axiom and pythagorean_axiom become theorems `P → P := id`"),
        LeanSource("Dirichlet", "lean/LeJEPA/Dirichlet.lean", PR_COMMIT,
                   "pull request: mazur_ulam proved from Mathlib; amgm_sum_ge_prod_pow and "
                   "exp_mean_ge_mean_exp removed"),
        LeanSource("Planning", "lean/LeJEPA/Planning.lean", PR_COMMIT, "pull request: unchanged"),
    )
}


@dataclass(frozen=True)
class PullRequestVersion:
    """What the pull request (b3a85f7) does with a declaration: its ``kind`` there (or
    ``"removed"``), its ``line`` there, and ``how`` (e.g. "proved by `id`", "kept as an axiom")."""

    kind: str
    line: int | None
    how: str

    def __post_init__(self) -> None:
        if self.kind not in PR_KINDS:
            raise ValueError(f"pull-request kind must be one of {PR_KINDS}, got {self.kind!r}")
        if (self.kind == "removed") != (self.line is None):
            raise ValueError(f"a removed declaration has no line, a kept one has one, got {self.kind!r}, {self.line!r}")


@dataclass(frozen=True)
class Declaration:
    """One axiom or theorem as the authors wrote it on main, and its version in the pull request.

    ``source`` is a key of :data:`SOURCES`; ``excerpt`` a citation of the statement (shortened
    with "…"); ``intended`` what it is meant to say (its docstring, in our words); ``uses`` the
    lemmas and axioms its proof text names, with the line of each call (theorems only);
    ``headline`` marks the results the paper states.
    """

    name: str
    kind: str
    source: str
    line: int
    excerpt: str
    intended: str
    pr: PullRequestVersion
    uses: tuple[tuple[str, int], ...] = ()
    headline: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {tuple(SOURCES)}, got {self.source!r}")

    def cite(self) -> str:
        """Where the declaration is stated on main: ``path:line @ commit``."""
        return SOURCES[self.source].cite(self.line)

    def pr_cite(self) -> str:
        """Where it is stated in the pull request, or ``"removed in the pull request"``."""
        if self.pr.kind == "removed":
            return "removed in the pull request"
        return PR_SOURCES[self.source].cite(self.pr.line)

    @property
    def pull_request(self) -> str:
        """What the pull request does with it, in words."""
        return self.pr.how

    @property
    def changed_in_pr(self) -> bool:
        """Whether the pull request changes the declaration (an axiom proved or removed), not only its line."""
        return self.pr.kind != self.kind

    @property
    def paper(self) -> str:
        """The paper result of the declaration's file (paper and Lean numbering)."""
        return PAPER[self.source]

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"name": self.name, "kind": self.kind, "file": SOURCES[self.source].path, "line": self.line,
                "commit": SOURCES[self.source].commit, "citation": self.cite(), "excerpt": self.excerpt,
                "intended": self.intended, "paper": self.paper, "uses": [list(u) for u in self.uses],
                "headline": self.headline, "pull_request": {"kind": self.pr.kind, "line": self.pr.line,
                                                            "citation": self.pr_cite(), "how": self.pr.how}}


def _ax(name, source, line, excerpt, intended, pr) -> Declaration:
    return Declaration(name, "axiom", source, line, excerpt, intended, pr)


def _th(name, source, line, excerpt, intended, pr, uses=(), headline=False) -> Declaration:
    return Declaration(name, "theorem", source, line, excerpt, intended, pr, tuple(uses), headline)


def _same(line: int) -> PullRequestVersion:
    return PullRequestVersion("theorem", line, "unchanged (the statement and its proof as on main)")


_KEPT = "kept as an axiom"

#: The 43 declarations, file by file in the order of ``lean/LeJEPA.lean``'s imports, each file in
#: source order. Excerpts are citations, shortened with "…".
DECLARATIONS: dict[str, Declaration] = {
    d.name: d
    for d in (
        # --- Hermite.lean (paper Theorem 1) ------------------------------------------------------
        _ax("mehler_summability", "Hermite", 56,
            "axiom mehler_summability (sw : SpectralWeights) (ρ : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ < 1) :"
            " Summable (fun d => sw.w d * ρ ^ d)",
            "the spectral correlation series Σ_d w_d ρ^d converges (docstring: \"Mehler's formula\")",
            PullRequestVersion("theorem", 58, "proved (comparison with Σ w_d)")),
        _th("pow_le_self_of_pos_lt_one", "Hermite", 66,
            "theorem pow_le_self_of_pos_lt_one (ρ : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ ≤ 1) (d : ℕ) (hd : 1 ≤ d) : ρ ^ d ≤ ρ",
            "ρ^d ≤ ρ for 0 < ρ ≤ 1 and d ≥ 1", _same(74)),
        _th("spectral_term_le", "Hermite", 72,
            "theorem spectral_term_le (sw : SpectralWeights) (ρ : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ ≤ 1) (d : ℕ) :"
            " sw.w d * ρ ^ d ≤ sw.w d * ρ",
            "each term of the spectral series is at most w_d ρ", _same(80), (("pow_le_self_of_pos_lt_one", 79),)),
        _th("pow_lt_self_of_ge_two", "Hermite", 84,
            "theorem pow_lt_self_of_ge_two (ρ : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ < 1) (d : ℕ) (hd : 2 ≤ d) : ρ ^ d < ρ",
            "ρ^d < ρ for 0 < ρ < 1 and d ≥ 2", _same(92)),
        _th("summable_spectral_upper", "Hermite", 98,
            "theorem summable_spectral_upper (sw : SpectralWeights) (ρ : ℝ) : Summable (fun d => sw.w d * ρ)",
            "Σ_d w_d ρ converges", _same(106)),
        _th("tsum_spectral_upper", "Hermite", 104,
            "theorem tsum_spectral_upper (sw : SpectralWeights) (ρ : ℝ) : ∑' d, sw.w d * ρ = ρ",
            "Σ_d w_d ρ = ρ (the weights sum to 1)", _same(112)),
        _th("correlation_le_rho", "Hermite", 115,
            "theorem correlation_le_rho (sw : SpectralWeights) (ρ : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ < 1)"
            " (hsum : Summable (fun d => sw.w d * ρ ^ d)) : ∑' d, sw.w d * ρ ^ d ≤ ρ",
            "the correlation bound Σ_d w_d ρ^d ≤ ρ (the paper's Lemma 3.3)", _same(123),
            (("spectral_term_le", 122), ("summable_spectral_upper", 123), ("tsum_spectral_upper", 124))),
        _th("equality_forces_degree_one", "Hermite", 138,
            "theorem equality_forces_degree_one (sw : SpectralWeights) (ρ : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ < 1) (hsum : …)"
            " (heq : ∑' d, sw.w d * ρ ^ d = ρ) : ∀ d, 2 ≤ d → sw.w d = 0",
            "equality in the correlation bound puts all weight at degree 1", _same(146),
            (("pow_lt_self_of_ge_two", 151), ("spectral_term_le", 155), ("summable_spectral_upper", 157),
             ("tsum_spectral_upper", 159))),
        _ax("correlation_eq_spectral_sum", "Hermite", 184,
            "axiom correlation_eq_spectral_sum (enc : HermiteEncoder n) (ρ : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ < 1)"
            " (i : Fin n) : enc.correlation i = ∑' d, (enc.spectrum i).w d * ρ ^ d",
            "Mehler's formula: the lag-ρ correlation of component i equals Σ_d w_d ρ^d",
            PullRequestVersion("axiom", 192, _KEPT)),
        _ax("linear_of_degree_one", "Hermite", 188,
            "axiom linear_of_degree_one (enc : HermiteEncoder n) (hdeg : ∀ i d, 2 ≤ d → (enc.spectrum i).w d = 0) :"
            " ∃ (M : E n →ₗ[ℝ] E n), ∀ z, enc.toFun z = M z",
            "an encoder whose Hermite energy lies at degree 1 only is linear",
            PullRequestVersion("axiom", 196, _KEPT)),
        _ax("orthogonal_of_gaussian_linear", "Hermite", 192,
            "axiom orthogonal_of_gaussian_linear (M : E n →ₗ[ℝ] E n) (hiso : ∀ v, ‖M v‖ = ‖v‖) :"
            " ∃ (U : E n →ₗᵢ[ℝ] E n), ∀ z, M z = U z",
            "a linear map with identity covariance under γ_n is orthogonal",
            PullRequestVersion("theorem", 203, "proved (⟨⟨M, hiso⟩, fun _ => rfl⟩)")),
        _th("loss_lower_bound", "Hermite", 201,
            "theorem loss_lower_bound (enc : HermiteEncoder n) (ρ : ℝ) (_hρ0 : 0 < ρ) (_hρ1 : ρ < 1)"
            " (hcorr : ∀ i, enc.correlation i ≤ ρ) : alignmentLoss enc ≥ 2 * (1 - ρ) * n",
            "the loss 2n − 2Σ_i corr_i is at least 2(1 − ρ)n when every correlation is at most ρ", _same(213)),
        _th("hermite_identifiability", "Hermite", 230,
            "theorem hermite_identifiability (enc : HermiteEncoder n) (ρ : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ < 1) (hMehler : …)"
            " (hcorr_eq : ∀ i, enc.correlation i = ∑' d, …) (hopt : alignmentLoss enc = 2 * (1 - ρ) * ↑n)"
            " (hnorm : ∀ v, ‖enc.toFun v - enc.toFun 0‖ = ‖v - 0‖) : ∃ (U : E n →ₗᵢ[ℝ] E n), ∀ z, enc.toFun z = U z",
            "Theorem 4.1: an encoder at the loss optimum 2(1 − ρ)n is h(z) = Uz with U ∈ O(n)", _same(242),
            (("correlation_le_rho", 242), ("equality_forces_degree_one", 258), ("linear_of_degree_one", 261),
             ("orthogonal_of_gaussian_linear", 267)), headline=True),
        # --- Uniqueness.lean (paper Theorem 2) ---------------------------------------------------
        _ax("gaussian_of_affine_score", "Uniqueness", 53,
            "axiom gaussian_of_affine_score (score : ℝ → ℝ) (α β : ℝ) (hα : α < 0) (hscore : ∀ z, score z = α * z + β) :"
            " IsGaussianScore score",
            "an affine score (log p)' = αz + β with α < 0 forces p Gaussian",
            PullRequestVersion("theorem", 55, "proved (⟨α, β, hα, hscore⟩)")),
        _ax("hermite_first_eigenfunction_of_gaussian", "Uniqueness", 60,
            "axiom hermite_first_eigenfunction_of_gaussian (lc : LatentComponent) (hgauss : IsGaussianScore lc.score) :"
            " ∃ (a b : ℝ), a ≠ 0 ∧ ∀ z, lc.K * lc.score z * a = -(lc.ev * (a * z + b))",
            "for a Gaussian the generator's first non-constant eigenfunction is affine (He_1)",
            PullRequestVersion("axiom", 63, _KEPT)),
        _th("score_affine_of_eigenfunction", "Uniqueness", 73,
            "theorem score_affine_of_eigenfunction (lc : LatentComponent) (a b : ℝ) (ha : a ≠ 0)"
            " (heigen : ∀ z, lc.K * lc.score z * a = -(lc.ev * (a * z + b))) : ∃ (α β : ℝ), α < 0 ∧ (∀ z, lc.score z = α * z + β)",
            "an affine eigenfunction forces an affine score with slope −ev/K < 0", _same(76)),
        _th("gaussian_of_affine_eigenfunction", "Uniqueness", 96,
            "theorem gaussian_of_affine_eigenfunction (lc : LatentComponent) (a b : ℝ) (ha : a ≠ 0) (heigen : …) :"
            " IsGaussianScore lc.score",
            "only if: an affine eigenfunction forces a Gaussian score", _same(99),
            (("score_affine_of_eigenfunction", 101), ("gaussian_of_affine_score", 102))),
        _th("gaussian_uniqueness", "Uniqueness", 111,
            "theorem gaussian_uniqueness (lc : LatentComponent) : (IsGaussianScore lc.score → ∃ (a b : ℝ), a ≠ 0 ∧ ∀ z, …)"
            " ∧ (∀ (a b : ℝ), a ≠ 0 → (∀ z, …) → IsGaussianScore lc.score)",
            "Theorem 4.2: the first eigenfunction is affine if and only if p is Gaussian", _same(114),
            (("hermite_first_eigenfunction_of_gaussian", 119), ("gaussian_of_affine_eigenfunction", 120)),
            headline=True),
        _th("score_pure_linear_zero_mean", "Uniqueness", 129,
            "theorem score_pure_linear_zero_mean (lc : LatentComponent)"
            " (heigen : ∀ z, lc.K * lc.score z * 1 = -(lc.ev * (1 * z + 0))) : ∀ z, lc.score z = -(lc.ev / lc.K) * z",
            "with a = 1, b = 0 the score is −(ev/K) z", _same(132)),
        # --- Approx.lean (paper Theorem 3) -------------------------------------------------------
        _th("spectral_gap_pos", "Approx", 39,
            "theorem spectral_gap_pos (ρ : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ < 1) : 0 < ρ * (1 - ρ)",
            "the spectral gap ρ(1 − ρ) is positive", _same(38)),
        _th("two_spectral_gap_pos", "Approx", 44,
            "theorem two_spectral_gap_pos (ρ : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ < 1) : 0 < 2 * ρ * (1 - ρ)",
            "2ρ(1 − ρ) is positive", _same(43), (("spectral_gap_pos", 46),)),
        _th("nonlinear_energy_le_D", "Approx", 51,
            "theorem nonlinear_energy_le_D (ρ δ W_nl : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ < 1) (_hδ_nonneg : 0 ≤ δ)"
            " (_hW_nonneg : 0 ≤ W_nl) (hgap : δ ≥ 2 * ρ * (1 - ρ) * W_nl) : W_nl ≤ δ / (2 * ρ * (1 - ρ))",
            "the gap inequality δ ≥ 2ρ(1 − ρ) W_nl gives W_nl ≤ D", _same(50), (("two_spectral_gap_pos", 56),)),
        _ax("polar_bound_axiom", "Approx", 68,
            "axiom polar_bound_axiom (M_Q_norm ε W_nl : ℝ) (hε : 0 ≤ ε) (hW : 0 ≤ W_nl) :"
            " M_Q_norm ≤ ε + W_nl → M_Q_norm ≤ ε + W_nl",
            "||M − Q||_F ≤ ε + W_nl (polar factor, |σ−1| ≤ |σ²−1|, Cov h = MMᵀ + N)",
            PullRequestVersion("theorem", 69, "proved (`id`)")),
        _th("linear_deviation_sq_bound", "Approx", 76,
            "theorem linear_deviation_sq_bound (M_Q_norm ε W_nl : ℝ) (hMQ_nonneg : 0 ≤ M_Q_norm) (hε : 0 ≤ ε)"
            " (hW : 0 ≤ W_nl) (hbound : M_Q_norm ≤ ε + W_nl) : M_Q_norm ^ 2 ≤ (ε + W_nl) ^ 2",
            "squaring the polar bound", _same(77)),
        _ax("pythagorean_axiom", "Approx", 93,
            "axiom pythagorean_axiom (total_error M_Q_norm_sq W_nl : ℝ) :"
            " total_error = M_Q_norm_sq + W_nl → total_error = M_Q_norm_sq + W_nl",
            "E||h − Qz||² = ||M − Q||_F² + W_nl (cross-degree orthogonality)",
            PullRequestVersion("theorem", 96, "proved (`id`)")),
        _th("bound_monotone", "Approx", 105,
            "theorem bound_monotone (ε W_nl D : ℝ) (_hε : 0 ≤ ε) (_hW : 0 ≤ W_nl) (_hD : 0 ≤ D) (hle : W_nl ≤ D) :"
            " (ε + W_nl) ^ 2 + W_nl ≤ (ε + D) ^ 2 + D",
            "t ↦ (ε + t)² + t is increasing on t ≥ 0", _same(108)),
        _th("approximate_identifiability", "Approx", 122,
            "theorem approximate_identifiability (ρ δ ε W_nl M_Q_norm total_error : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ < 1)"
            " (hδ : 0 ≤ δ) (hε : 0 ≤ ε) (hW : 0 ≤ W_nl) (hMQ : 0 ≤ M_Q_norm) (hgap : δ ≥ 2 * ρ * (1 - ρ) * W_nl)"
            " (hpolar : M_Q_norm ≤ ε + W_nl) (hpythag : total_error = M_Q_norm ^ 2 + W_nl) :"
            " total_error ≤ δ / (2 * ρ * (1 - ρ)) + (ε + δ / (2 * ρ * (1 - ρ))) ^ 2",
            "Proposition 4.3: E||h − Qz||² ≤ D + (ε + D)² with D = δ/(2ρ(1 − ρ))", _same(125),
            (("two_spectral_gap_pos", 133), ("nonlinear_energy_le_D", 136), ("linear_deviation_sq_bound", 139),
             ("bound_monotone", 144)), headline=True),
        _th("exact_recovery_special_case", "Approx", 155,
            "theorem exact_recovery_special_case (ρ W_nl M_Q_norm total_error : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ < 1)"
            " (hW : 0 ≤ W_nl) (hMQ : 0 ≤ M_Q_norm) (hgap : (0 : ℝ) ≥ 2 * ρ * (1 - ρ) * W_nl)"
            " (hpolar : M_Q_norm ≤ 0 + W_nl) (hpythag : total_error = M_Q_norm ^ 2 + W_nl) (_htotal_nonneg : 0 ≤ total_error) :"
            " total_error = 0",
            "δ = ε = 0 forces a zero recovery error", _same(158), (("two_spectral_gap_pos", 165),)),
        _th("bound_small_perturbation", "Approx", 181,
            "theorem bound_small_perturbation (ε D : ℝ) (hε : 0 ≤ ε) (hD : 0 ≤ D) (hsmall : ε + D ≤ 1) :"
            " D + (ε + D) ^ 2 ≤ D + ε + D",
            "when ε + D ≤ 1 the bound is at most 2D + ε", _same(184)),
        # --- Dirichlet.lean (paper appendix theorem) ----------------------------------------------
        _ax("amgm_sum_ge_prod_pow", "Dirichlet", 68,
            "axiom amgm_sum_ge_prod_pow {m : ℕ} (a : Fin m → ℝ) (ha : ∀ i, 0 ≤ a i) :"
            " (∑ i : Fin m, a i) / m ≥ (∏ i : Fin m, a i) ^ ((1 : ℝ) / m)",
            "AM–GM with uniform weights", PullRequestVersion("removed", None, "removed (unsound at m = 0)")),
        _ax("exp_mean_ge_mean_exp", "Dirichlet", 75,
            "axiom exp_mean_ge_mean_exp {m : ℕ} (f : Fin m → ℝ) (hsum : ∑ i : Fin m, f i = 0) :"
            " (∑ i : Fin m, Real.exp ((2 : ℝ) / m * f i)) / m ≥ 1",
            "Jensen for exp: the mean of exp(c f_i) is ≥ 1 when Σ f_i = 0",
            PullRequestVersion("removed", None, "removed (unsound at m = 0)")),
        _ax("mazur_ulam", "Dirichlet", 83,
            "axiom mazur_ulam {V : Type*} [NormedAddCommGroup V] [NormedSpace ℝ V] {f : V → V} (hiso : Isometry f)"
            " (hsurj : Function.Surjective f) : ∃ (A : V →ₗ[ℝ] V) (b : V), ∀ x, f x = A x + b",
            "Mazur–Ulam: a surjective isometry of a real normed space is affine",
            PullRequestVersion("theorem", 64, "proved from Mathlib (IsometryEquiv.toRealLinearIsometryEquiv)")),
        _th("clm_isometry_of_norm_preserving", "Dirichlet", 118,
            "theorem clm_isometry_of_norm_preserving (L : E n →L[ℝ] E n) (hL : ∀ v, ‖L v‖ = ‖v‖) : Isometry L",
            "a norm-preserving continuous linear map is an isometry", _same(106)),
        _th("lipschitz_of_orthogonal_jacobian", "Dirichlet", 130,
            "theorem lipschitz_of_orthogonal_jacobian (h : GaussianDiffeo n) (horth : ∀ z v, ‖h.jacobian z v‖ = ‖v‖) :"
            " LipschitzWith 1 h.toFun",
            "an orthogonal Jacobian everywhere makes h 1-Lipschitz (mean value theorem)", _same(118)),
        _th("isometry_of_bilipschitz", "Dirichlet", 146,
            "theorem isometry_of_bilipschitz (h : GaussianDiffeo n) (hlip : LipschitzWith 1 h.toFun)"
            " (hinvlip : LipschitzWith 1 h.isHomeo.symm) : Isometry h.toFun",
            "h and h⁻¹ both 1-Lipschitz make h an isometry", _same(134)),
        _th("dirichlet_identifiability", "Dirichlet", 183,
            "theorem dirichlet_identifiability (h : GaussianDiffeo n) (horth : ∀ z v, ‖h.jacobian z v‖ = ‖v‖)"
            " (horth_inv : ∀ z v, ‖(ContinuousLinearMap.inverse (h.jacobian z)) v‖ = ‖v‖) (hmean : h.toFun 0 = 0) :"
            " ∃ (U : E n →ₗᵢ[ℝ] E n), ∀ z, h.toFun z = U z",
            "appendix theorem: a Gaussian-preserving diffeomorphism minimising the Dirichlet energy is h(z) = Uz",
            _same(171), (("lipschitz_of_orthogonal_jacobian", 191), ("isometry_of_bilipschitz", 204),
                         ("mazur_ulam", 210)), headline=True),
        # --- Planning.lean (paper Theorem 4) -----------------------------------------------------
        _ax("stage_pushforward", "Planning", 110,
            "axiom stage_pushforward (E_hat E : ExpectedCosts n Action T) (Q : Latent n → Latent n) (a : Plan Action T)"
            " (z : Latent n) (t : Fin T) (c : …) : E_hat.stage_exp a (Q z) t c = E.stage_exp a z t (fun z' act => c (Q z') act)",
            "expected stage costs of the dynamics pushed forward by Q equal those of the original dynamics on c ∘ Q",
            PullRequestVersion("axiom", 110, _KEPT)),
        _ax("terminal_pushforward", "Planning", 120,
            "axiom terminal_pushforward (E_hat E : ExpectedCosts n Action T) (Q : Latent n → Latent n) (a : Plan Action T)"
            " (z : Latent n) (c : Latent n → ℝ) : E_hat.term_exp a (Q z) c = E.term_exp a z (fun z' => c (Q z'))",
            "the same at the terminal time", PullRequestVersion("axiom", 120, _KEPT)),
        _th("stage_cost_equiv", "Planning", 136,
            "theorem stage_cost_equiv (cp : ControlProblem n Action) (Q : Latent n → Latent n) (E_hat E : ExpectedCosts n Action T)"
            " (hinv : IsOrthogonalInvariant cp Q) (a : Plan Action T) (z : Latent n) (t : Fin T) :"
            " E_hat.stage_exp a (Q z) t cp.stage_cost = E.stage_exp a z t cp.stage_cost",
            "per-step expected stage costs agree at Qz and z for an invariant cost", _same(136),
            (("stage_pushforward", 144),)),
        _th("terminal_cost_equiv", "Planning", 152,
            "theorem terminal_cost_equiv (cp) (Q) (E_hat E) (hinv : IsOrthogonalInvariant cp Q) (a) (z) :"
            " E_hat.term_exp a (Q z) cp.terminal_cost = E.term_exp a z cp.terminal_cost",
            "terminal expected costs agree at Qz and z", _same(152), (("terminal_pushforward", 160),)),
        _th("planning_equivalence", "Planning", 177,
            "theorem planning_equivalence (cp) (Q) (E_hat E) (hinv : IsOrthogonalInvariant cp Q) (a) (z) :"
            " totalCost cp E_hat a (Q z) = totalCost cp E a z",
            "Corollary 4.5, main step: total expected costs agree for every plan", _same(177),
            (("stage_cost_equiv", 190), ("terminal_cost_equiv", 194)), headline=True),
        _th("minimizer_equivalence", "Planning", 208,
            "theorem minimizer_equivalence (cp) (Q) (E_hat E) (hinv) (a) (z) :"
            " (∀ a', totalCost cp E_hat a (Q z) ≤ totalCost cp E_hat a' (Q z)) ↔ (∀ a', totalCost cp E a z ≤ totalCost cp E a' z)",
            "a plan is optimal in the learned latent iff it is optimal in the true one", _same(208),
            (("planning_equivalence", 217),), headline=True),
        _th("value_equivalence", "Planning", 234,
            "theorem value_equivalence (cp) (Q) (E_hat E) (hinv) (a) (z) (V : ℝ) (hV : totalCost cp E a z = V) :"
            " totalCost cp E_hat a (Q z) = V",
            "a plan's value is the same in both latents", _same(234), (("planning_equivalence", 242),),
            headline=True),
    )
}

#: The 13 axioms of main (docs/theory.md §6 order: the order of :data:`DECLARATIONS`).
LEAN_AXIOMS: dict[str, Declaration] = {n: d for n, d in DECLARATIONS.items() if d.kind == "axiom"}
#: The 30 theorems of main.
LEAN_THEOREMS: tuple[Declaration, ...] = tuple(d for d in DECLARATIONS.values() if d.kind == "theorem")

# The earlier names of the two views: one type now, as every declaration has both sets of fields.
LeanAxiom = Declaration
LeanTheorem = Declaration


def declaration(name: str) -> Declaration:
    """The declaration called ``name``; an unknown name is a ``ValueError`` listing the known ones."""
    if name not in DECLARATIONS:
        raise ValueError(f"unknown Lean declaration {name!r}; known: {', '.join(DECLARATIONS)}")
    return DECLARATIONS[name]


def check_declaration_names(names) -> tuple[str, ...]:
    """Validate declaration names a claim names (its ``lean`` field); an unknown one is a ValueError."""
    if isinstance(names, (str, bytes)):
        raise ValueError(f"lean must be a tuple of declaration names, got the string {names!r}")
    names = tuple(names)
    for n in names:
        if n not in DECLARATIONS:
            raise ValueError(f"unknown Lean declaration {n!r} in lean; valid names: {', '.join(DECLARATIONS)}")
    return names


def theorem(name: str) -> Declaration:
    """The authors' Lean theorem called ``name``; an unknown name is a ``ValueError`` listing the known ones."""
    d = DECLARATIONS.get(name)
    if d is None or d.kind != "theorem":
        raise ValueError(f"unknown Lean theorem {name!r}; known: {', '.join(t.name for t in LEAN_THEOREMS)}")
    return d


def axioms_used(name: str) -> tuple[str, ...]:
    """The axioms a theorem's proof reaches, directly or through the theorems it calls (textual reading)."""
    seen: set[str] = set()
    found: set[str] = set()
    stack = [theorem(name)]
    while stack:
        t = stack.pop()
        for used, _ in t.uses:
            if used in LEAN_AXIOMS:
                found.add(used)
            elif used not in seen:
                seen.add(used)
                stack.append(theorem(used))
    return tuple(a for a in LEAN_AXIOMS if a in found)


def axioms_declared_in(source: str) -> tuple[str, ...]:
    """Axioms declared in one file: the environment every theorem of that file is checked in."""
    if source not in SOURCES:
        raise ValueError(f"unknown Lean source {source!r}; known: {', '.join(SOURCES)}")
    return tuple(a.name for a in LEAN_AXIOMS.values() if a.source == source)
