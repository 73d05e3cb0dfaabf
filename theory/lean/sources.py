"""Where the authors' Lean axioms and theorems stand, read off their files (docs/theory.md §6).

Everything here is data transcribed by reading the public repository
``klindtlab/lejepa-identifiability`` (folder ``lean/``): for each of the 13 axioms its file, the
line of its ``axiom`` keyword, a one- or two-line excerpt as a citation, what its docstring
says it stands for, and what the public pull request ``refs/pull/1`` ("Harden Lean axioms:
discharge 6, remove 2 unsound") does with it; for each theorem, the lemmas and axioms its proof
names, with the line of each call.

The dependency table is a *textual reading*: a name counts as used when it appears in the
proof text of the theorem (docstrings excluded). Lean's own ``#print axioms`` was not run here
(no Lean toolchain); it would list the same axioms wherever the proof terms match the text.
"""

from __future__ import annotations

from dataclasses import dataclass

REPOSITORY = "klindtlab/lejepa-identifiability"


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


#: The versions of the main branch read for the audit.
SOURCES: dict[str, LeanSource] = {
    s.key: s
    for s in (
        LeanSource("Hermite", "lean/LeJEPA/Hermite.lean", "619289b44643d34c3142c9b158e9d0eacdc0ffa8",
                   "main: Theorem 4.1 via Hermite weights (4 axioms)"),
        LeanSource("Uniqueness", "lean/LeJEPA/Uniqueness.lean", "619289b44643d34c3142c9b158e9d0eacdc0ffa8",
                   "main: Theorem 4.2, the converse (2 axioms)"),
        LeanSource("Dirichlet", "lean/LeJEPA/Dirichlet.lean", "619289b44643d34c3142c9b158e9d0eacdc0ffa8",
                   "main: the Dirichlet-energy route (3 axioms)"),
        LeanSource("Planning", "lean/LeJEPA/Planning.lean", "4a941ed6577b8fc75b6fbcad2fc4560ee7085aa3",
                   "main: Corollary 4.5 (2 axioms)"),
        LeanSource("PropApprox", "lean/LeJEPA/PropApprox.lean", "ad11a63ac6b322bb676fecd3e95b809ea576eac0",
                   "main, earlier layout (imported by LeJEPA.lean @ ad11a63): Proposition 4.3 (2 axioms). "
                   "The later main file lean/LeJEPA/Approx.lean is stored only in the pull request's "
                   "version (b3a85f7), where both are theorems proved by `id`"),
        LeanSource("Root", "lean/LeJEPA.lean", "4a941ed6577b8fc75b6fbcad2fc4560ee7085aa3",
                   "main: imports Hermite, Uniqueness, Approx, Dirichlet, Planning (lines 1-5)"),
    )
}

#: Versions of the same paths that change exactly the axioms the pull request's title names;
#: we read them as the pull request's (the index stores them without naming the ref).
PR_SOURCES: dict[str, LeanSource] = {
    s.key: s
    for s in (
        LeanSource("Hermite", "lean/LeJEPA/Hermite.lean", "696e1d932855568e9a0af19a9c60a5dd4f588703",
                   "pull request: mehler_summability and orthogonal_of_gaussian_linear become theorems"),
        LeanSource("Uniqueness", "lean/LeJEPA/Uniqueness.lean", "b3a85f75483c4d9af06bcd64a323b888e300cc45",
                   "pull request: gaussian_of_affine_score becomes a theorem"),
        LeanSource("Approx", "lean/LeJEPA/Approx.lean", "b3a85f75483c4d9af06bcd64a323b888e300cc45",
                   "pull request: polar_bound_axiom and pythagorean_axiom become theorems `P → P := id`"),
        LeanSource("Dirichlet", "lean/LeJEPA/Dirichlet.lean", None,
                   "pull request: mazur_ulam proved from Mathlib; amgm_sum_ge_prod_pow and "
                   "exp_mean_ge_mean_exp removed (index id 58920992384)"),
    )
}


@dataclass(frozen=True)
class LeanAxiom:
    """One axiom as the authors wrote it (main branch) and what the pull request does with it."""

    name: str
    source: str
    line: int
    excerpt: str
    intended: str
    pull_request: str

    def cite(self) -> str:
        """Where the axiom is stated: ``path:line @ commit``."""
        return SOURCES[self.source].cite(self.line)

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"name": self.name, "file": SOURCES[self.source].path, "line": self.line,
                "commit": SOURCES[self.source].commit, "citation": self.cite(), "excerpt": self.excerpt,
                "intended": self.intended, "pull_request": self.pull_request}


#: The 13 axioms, in the order of docs/theory.md §6. Excerpts are citations, shortened with "…".
LEAN_AXIOMS: dict[str, LeanAxiom] = {
    a.name: a
    for a in (
        LeanAxiom("mehler_summability", "Hermite", 56,
                  "axiom mehler_summability (sw : SpectralWeights) (ρ : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ < 1) :"
                  " Summable (fun d => sw.w d * ρ ^ d)",
                  "the spectral correlation series Σ_d w_d ρ^d converges (docstring: \"Mehler's formula\")",
                  "proved (comparison with Σ w_d)"),
        LeanAxiom("correlation_eq_spectral_sum", "Hermite", 184,
                  "axiom correlation_eq_spectral_sum (enc : HermiteEncoder n) (ρ : ℝ) (hρ0 : 0 < ρ) (hρ1 : ρ < 1)"
                  " (i : Fin n) : enc.correlation i = ∑' d, (enc.spectrum i).w d * ρ ^ d",
                  "Mehler's formula: the lag-ρ correlation of component i equals Σ_d w_d ρ^d",
                  "kept as an axiom"),
        LeanAxiom("linear_of_degree_one", "Hermite", 188,
                  "axiom linear_of_degree_one (enc : HermiteEncoder n) (hdeg : ∀ i d, 2 ≤ d → (enc.spectrum i).w d = 0) :"
                  " ∃ (M : E n →ₗ[ℝ] E n), ∀ z, enc.toFun z = M z",
                  "an encoder whose Hermite energy lies at degree 1 only is linear",
                  "kept as an axiom"),
        LeanAxiom("orthogonal_of_gaussian_linear", "Hermite", 192,
                  "axiom orthogonal_of_gaussian_linear (M : E n →ₗ[ℝ] E n) (hiso : ∀ v, ‖M v‖ = ‖v‖) :"
                  " ∃ (U : E n →ₗᵢ[ℝ] E n), ∀ z, M z = U z",
                  "a linear map with identity covariance under γ_n is orthogonal",
                  "proved (⟨⟨M, hiso⟩, fun _ => rfl⟩)"),
        LeanAxiom("gaussian_of_affine_score", "Uniqueness", 53,
                  "axiom gaussian_of_affine_score (score : ℝ → ℝ) (α β : ℝ) (hα : α < 0) (hscore : ∀ z, score z = α * z + β) :"
                  " IsGaussianScore score",
                  "an affine score (log p)' = αz + β with α < 0 forces p Gaussian",
                  "proved (⟨α, β, hα, hscore⟩)"),
        LeanAxiom("hermite_first_eigenfunction_of_gaussian", "Uniqueness", 60,
                  "axiom hermite_first_eigenfunction_of_gaussian (lc : LatentComponent) (hgauss : IsGaussianScore lc.score) :"
                  " ∃ (a b : ℝ), a ≠ 0 ∧ ∀ z, lc.K * lc.score z * a = -(lc.ev * (a * z + b))",
                  "for a Gaussian the generator's first non-constant eigenfunction is affine (He_1)",
                  "kept as an axiom"),
        LeanAxiom("polar_bound_axiom", "PropApprox", 68,
                  "axiom polar_bound_axiom (M_Q_norm ε W_nl : ℝ) (hε : 0 ≤ ε) (hW : 0 ≤ W_nl) :"
                  " M_Q_norm ≤ ε + W_nl → M_Q_norm ≤ ε + W_nl",
                  "||M − Q||_F ≤ ε + W_nl (polar factor, |σ−1| ≤ |σ²−1|, Cov h = MMᵀ + N)",
                  "proved (`id`)"),
        LeanAxiom("pythagorean_axiom", "PropApprox", 93,
                  "axiom pythagorean_axiom (total_error M_Q_norm_sq W_nl : ℝ) :"
                  " total_error = M_Q_norm_sq + W_nl → total_error = M_Q_norm_sq + W_nl",
                  "E||h − Qz||² = ||M − Q||_F² + W_nl (cross-degree orthogonality)",
                  "proved (`id`)"),
        LeanAxiom("amgm_sum_ge_prod_pow", "Dirichlet", 68,
                  "axiom amgm_sum_ge_prod_pow {m : ℕ} (a : Fin m → ℝ) (ha : ∀ i, 0 ≤ a i) :"
                  " (∑ i : Fin m, a i) / m ≥ (∏ i : Fin m, a i) ^ ((1 : ℝ) / m)",
                  "AM–GM with uniform weights",
                  "removed (unsound at m = 0)"),
        LeanAxiom("exp_mean_ge_mean_exp", "Dirichlet", 75,
                  "axiom exp_mean_ge_mean_exp {m : ℕ} (f : Fin m → ℝ) (hsum : ∑ i : Fin m, f i = 0) :"
                  " (∑ i : Fin m, Real.exp ((2 : ℝ) / m * f i)) / m ≥ 1",
                  "Jensen for exp: the mean of exp(c f_i) is ≥ 1 when Σ f_i = 0",
                  "removed (unsound at m = 0)"),
        LeanAxiom("mazur_ulam", "Dirichlet", 83,
                  "axiom mazur_ulam {V : Type*} [NormedAddCommGroup V] [NormedSpace ℝ V] {f : V → V} (hiso : Isometry f)"
                  " (hsurj : Function.Surjective f) : ∃ (A : V →ₗ[ℝ] V) (b : V), ∀ x, f x = A x + b",
                  "Mazur–Ulam: a surjective isometry of a real normed space is affine",
                  "proved from Mathlib (IsometryEquiv.toRealLinearIsometryEquiv)"),
        LeanAxiom("stage_pushforward", "Planning", 110,
                  "axiom stage_pushforward (E_hat E : ExpectedCosts n Action T) (Q : Latent n → Latent n) (a : Plan Action T)"
                  " (z : Latent n) (t : Fin T) (c : …) : E_hat.stage_exp a (Q z) t c = E.stage_exp a z t (fun z' act => c (Q z') act)",
                  "expected stage costs of the dynamics pushed forward by Q equal those of the original dynamics on c ∘ Q",
                  "kept as an axiom"),
        LeanAxiom("terminal_pushforward", "Planning", 120,
                  "axiom terminal_pushforward (E_hat E : ExpectedCosts n Action T) (Q : Latent n → Latent n) (a : Plan Action T)"
                  " (z : Latent n) (c : Latent n → ℝ) : E_hat.term_exp a (Q z) c = E.term_exp a z (fun z' => c (Q z'))",
                  "the same at the terminal time",
                  "kept as an axiom"),
    )
}


@dataclass(frozen=True)
class LeanTheorem:
    """A theorem of the authors' files and the names its proof text calls, with the call lines."""

    name: str
    source: str
    line: int
    uses: tuple[tuple[str, int], ...] = ()
    headline: bool = False

    def cite(self) -> str:
        """Where the theorem is stated: ``path:line @ commit``."""
        return SOURCES[self.source].cite(self.line)

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"name": self.name, "citation": self.cite(), "uses": [list(u) for u in self.uses],
                "headline": self.headline}


#: Every theorem of the five files, read off their proof text. ``headline`` marks the results
#: the paper states (Theorems 4.1 and 4.2, Proposition 4.3, Appendix C, Corollary 4.5).
LEAN_THEOREMS: tuple[LeanTheorem, ...] = (
    LeanTheorem("pow_le_self_of_pos_lt_one", "Hermite", 66),
    LeanTheorem("spectral_term_le", "Hermite", 72, (("pow_le_self_of_pos_lt_one", 79),)),
    LeanTheorem("pow_lt_self_of_ge_two", "Hermite", 84),
    LeanTheorem("summable_spectral_upper", "Hermite", 98),
    LeanTheorem("tsum_spectral_upper", "Hermite", 104),
    LeanTheorem("correlation_le_rho", "Hermite", 115,
                (("spectral_term_le", 122), ("summable_spectral_upper", 123), ("tsum_spectral_upper", 124))),
    LeanTheorem("equality_forces_degree_one", "Hermite", 138,
                (("pow_lt_self_of_ge_two", 151), ("spectral_term_le", 155), ("summable_spectral_upper", 157),
                 ("tsum_spectral_upper", 159))),
    LeanTheorem("loss_lower_bound", "Hermite", 201),
    LeanTheorem("hermite_identifiability", "Hermite", 230,
                (("correlation_le_rho", 242), ("equality_forces_degree_one", 258), ("linear_of_degree_one", 261),
                 ("orthogonal_of_gaussian_linear", 267)), headline=True),
    LeanTheorem("score_affine_of_eigenfunction", "Uniqueness", 73),
    LeanTheorem("gaussian_of_affine_eigenfunction", "Uniqueness", 96,
                (("score_affine_of_eigenfunction", 101), ("gaussian_of_affine_score", 102))),
    LeanTheorem("gaussian_uniqueness", "Uniqueness", 111,
                (("hermite_first_eigenfunction_of_gaussian", 119), ("gaussian_of_affine_eigenfunction", 120)),
                headline=True),
    LeanTheorem("score_pure_linear_zero_mean", "Uniqueness", 129),
    LeanTheorem("spectral_gap_pos", "PropApprox", 39),
    LeanTheorem("two_spectral_gap_pos", "PropApprox", 44, (("spectral_gap_pos", 46),)),
    LeanTheorem("nonlinear_energy_le_D", "PropApprox", 51, (("two_spectral_gap_pos", 56),)),
    LeanTheorem("linear_deviation_sq_bound", "PropApprox", 76),
    LeanTheorem("bound_monotone", "PropApprox", 105),
    LeanTheorem("approximate_identifiability", "PropApprox", 122,
                (("two_spectral_gap_pos", 133), ("nonlinear_energy_le_D", 136), ("linear_deviation_sq_bound", 139),
                 ("bound_monotone", 144)), headline=True),
    LeanTheorem("exact_recovery_special_case", "PropApprox", 155, (("two_spectral_gap_pos", 165),)),
    LeanTheorem("bound_small_perturbation", "PropApprox", 181),
    LeanTheorem("clm_isometry_of_norm_preserving", "Dirichlet", 118),
    LeanTheorem("lipschitz_of_orthogonal_jacobian", "Dirichlet", 130),
    LeanTheorem("isometry_of_bilipschitz", "Dirichlet", 146),
    LeanTheorem("dirichlet_identifiability", "Dirichlet", 183,
                (("lipschitz_of_orthogonal_jacobian", 191), ("isometry_of_bilipschitz", 204), ("mazur_ulam", 210)),
                headline=True),
    LeanTheorem("stage_cost_equiv", "Planning", 136, (("stage_pushforward", 144),)),
    LeanTheorem("terminal_cost_equiv", "Planning", 152, (("terminal_pushforward", 160),)),
    LeanTheorem("planning_equivalence", "Planning", 177, (("stage_cost_equiv", 190), ("terminal_cost_equiv", 194)),
                headline=True),
    LeanTheorem("minimizer_equivalence", "Planning", 208, (("planning_equivalence", 217),), headline=True),
    LeanTheorem("value_equivalence", "Planning", 234, (("planning_equivalence", 242),), headline=True),
)


def theorem(name: str) -> LeanTheorem:
    """The authors' Lean theorem called ``name``; an unknown name is a ``ValueError`` listing the known ones."""
    for t in LEAN_THEOREMS:
        if t.name == name:
            return t
    raise ValueError(f"unknown Lean theorem {name!r}; known: {', '.join(t.name for t in LEAN_THEOREMS)}")


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
