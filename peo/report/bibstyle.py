"""Dutch citation and bibliography styles for sphinxcontrib-bibtex (registered by the Sphinx
extension :mod:`peo.report.sphinx_ext`)."""

from __future__ import annotations

__all__ = ["register_bibtex_styles"]


def register_bibtex_styles() -> None:
    """Dutch citation and bibliography styles for sphinxcontrib-bibtex.

    ``peo_author_year`` (``bibtex_reference_style``): author-year citations in round
    brackets, separated by semicolons, "en" between two authors and "e.a." for three or
    more: (Wilson, 1927; Holm, 1979), Heiberger en Robbins (2014). ``peo_plain``
    (``bibtex_default_style``): pybtex's plain style with "en" between authors and "druk"
    for the edition, sorted by author (or by title when there is no author) and year, each
    entry labelled as the text cites it ("Wilson, 1927").
    """
    from collections import Counter
    from dataclasses import dataclass, field

    import pybtex.plugin
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.labels import BaseLabelStyle
    from pybtex.style.sorting.author_year_title import SortingStyle as AuthorYearTitleSorting
    from pybtex.style.template import field as bib_field
    from pybtex.style.template import names, optional, sentence, words
    from sphinxcontrib.bibtex.plugin import register_plugin
    from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

    def brackets() -> BracketStyle:
        return BracketStyle(left="(", right=")", sep="; ")

    def persons() -> PersonStyle:
        return PersonStyle(sep2=" en ", last_sep=" en ", other=" e.a.")

    @dataclass
    class DutchAuthorYear(AuthorYearReferenceStyle):
        bracket_textual: BracketStyle = field(default_factory=brackets)
        bracket_parenthetical: BracketStyle = field(default_factory=brackets)
        bracket_author: BracketStyle = field(default_factory=brackets)
        bracket_label: BracketStyle = field(default_factory=brackets)
        bracket_year: BracketStyle = field(default_factory=brackets)
        person: PersonStyle = field(default_factory=persons)

    class AuthorOrTitleYear(AuthorYearTitleSorting):
        """Sort by authors, or by title for a work without authors (a code of conduct)."""

        def sorting_key(self, entry):
            who = self.author_editor_key(entry) or entry.fields.get("title", "").lower()
            return (who.replace("{", "").replace("}", ""), entry.fields.get("year", ""), entry.fields.get("title", ""))

    class AuthorYearLabels(BaseLabelStyle):
        """Labels as the text cites them: "Wilson, 1927", "Rutz e.a., 2022" (a, b when equal)."""

        def format_labels(self, sorted_entries):
            labels = [self._label(e) for e in sorted_entries]
            counts = Counter(labels)
            seen: Counter = Counter()
            for label in labels:
                if counts[label] > 1:
                    seen[label] += 1
                    yield f"{label}{'abcdefghijklmnopqrstuvwxyz'[seen[label] - 1]}"
                else:
                    yield label

        @staticmethod
        def _label(entry) -> str:
            persons = entry.persons.get("author") or entry.persons.get("editor") or []
            last = [" ".join(p.prelast_names + p.last_names).replace("{", "").replace("}", "") for p in persons]
            if len(last) == 1:
                who = last[0]
            elif len(last) == 2:
                who = f"{last[0]} en {last[1]}"
            elif last:
                who = f"{last[0]} e.a."
            else:
                who = entry.fields.get("title", entry.key).replace("{", "").replace("}", "")
            return f"{who}, {entry.fields.get('year', 'z.j.')}"

    class DutchPlain(PlainStyle):
        default_sorting_style = "peo_author_or_title_year"
        default_label_style = "peo_author_year"

        def format_names(self, role, as_sentence=True):
            formatted = names(role, sep=", ", sep2=" en ", last_sep=" en ")
            return sentence[formatted] if as_sentence else formatted

        def format_edition(self, e):
            return optional[words[bib_field("edition", apply_func=lambda x: x.lower()), "druk"]]

    pybtex.plugin.register_plugin("pybtex.style.sorting", "peo_author_or_title_year", AuthorOrTitleYear, force=True)
    pybtex.plugin.register_plugin("pybtex.style.labels", "peo_author_year", AuthorYearLabels, force=True)
    register_plugin("sphinxcontrib.bibtex.style.referencing", "peo_author_year", DutchAuthorYear, force=True)
    pybtex.plugin.register_plugin("pybtex.style.formatting", "peo_plain", DutchPlain, force=True)
