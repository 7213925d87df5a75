/*
 * Accessibility repairs of the book theme (sphinx-book-theme 1.3 / pydata-sphinx-theme 0.17,
 * myst-nb 1.4, docutils), found by the browser check (tests/test_accessibility.py, axe-core
 * with the WCAG 2.1 A/AA rules). Jupyter Book 1 includes every .js file in book/_static on
 * every page. Each repair is idempotent and runs when the page is parsed and again after
 * it has loaded (the theme's own scripts set some attributes late).
 *
 *  1. The expand/collapse toggles of the navigation (<summary> holding only an icon) have no
 *     accessible name (axe summary-name, WCAG 4.1.2): name them after their section.
 *  2. Buttons whose aria-label does not contain their visible text (axe
 *     label-content-name-mismatch, WCAG 2.5.3 Label in Name): the search buttons
 *     ("Zoeken" + "Ctrl+K"), the colour-mode button and myst-nb's code toggles
 *     ("Toggle hidden content" around "Toon de code").
 *  3. The bibliography list: docutils writes role="doc-biblioentry" (deprecated) inside a
 *     role="list", so the list has no list items (axe aria-required-children, WCAG 1.3.1).
 *  4. The theme has no Dutch translation: its English labels are read aloud with Dutch
 *     pronunciation on a lang="nl" page (WCAG 3.1.2 Language of Parts): translate them.
 *  5. Tables (reflow.css) and figures on a phone (figures.css) that scroll inside their own box
 *     become keyboard-focusable.
 */
(function () {
  'use strict';

  var NL = {
    'Skip to main content': 'Naar de inhoud',
    'Back to top': 'Terug naar boven',
    'Color mode': 'Kleurmodus',
    'Light': 'Licht',
    'Dark': 'Donker',
    'System Settings': 'Systeeminstelling',
    'Toggle primary sidebar': 'Navigatie tonen of verbergen',
    'Toggle secondary sidebar': 'Inhoud van deze pagina tonen of verbergen',
    'Site navigation': 'Navigatie van de site',
    'Main': 'Hoofdnavigatie',
    'Announcement': 'Mededeling',
    'Version warning': 'Versiewaarschuwing',
    'Link to this heading': 'Link naar deze kop',
    'Link to this table': 'Link naar deze tabel',
    'Link to this image': 'Link naar deze afbeelding',
    'Link to this definition': 'Link naar deze definitie',
    'previous page': 'vorige pagina',
    'next page': 'volgende pagina',
    'Contents': 'Inhoud',
    'Section Navigation': 'Navigatie in dit deel',
    'Copy to clipboard': 'Kopiëren',
    'Copied!': 'Gekopieerd!',
  };

  function words(el) {
    return (el.textContent || '').replace(/\s+/g, ' ').trim();
  }

  function translate(root) {
    ['aria-label', 'title', 'data-bs-title', 'data-bs-original-title', 'data-tooltip'].forEach(function (attr) {
      root.querySelectorAll('[' + attr + ']').forEach(function (el) {
        var v = el.getAttribute(attr);
        if (Object.prototype.hasOwnProperty.call(NL, v)) el.setAttribute(attr, NL[v]);
      });
    });
    root.querySelectorAll('#pst-skip-link a, #pst-back-to-top').forEach(function (el) {
      el.childNodes.forEach(function (node) {
        var t = node.nodeType === 3 ? node.nodeValue.trim() : null;
        if (t && Object.prototype.hasOwnProperty.call(NL, t)) node.nodeValue = NL[t];
      });
    });
  }

  function nameNavigationToggles(root) {
    root.querySelectorAll('li.has-children > details > summary').forEach(function (summary) {
      if (words(summary) || summary.getAttribute('aria-label')) return;
      var li = summary.parentElement.parentElement;
      var link = li.querySelector(':scope > a, :scope > p, :scope > span');
      var title = link ? words(link) : '';
      summary.setAttribute('aria-label', title ? 'Onderdelen van ' + title + ' tonen of verbergen'
                                               : 'Onderdelen tonen of verbergen');
    });
  }

  function labelInName(root) {
    // Drop the aria-label of these elements (it lacks their visible text): the name then
    // comes from what is shown (content hidden with display:none does not count).
    var selectors = [
      '.search-button-field',               // "Zoeken Ctrl+K" with aria-label "Zoeken"
      'details.hide > summary[aria-label]', // myst-nb: "Toon de code" with "Toggle hidden content"
    ];
    root.querySelectorAll(selectors.join(',')).forEach(function (el) {
      var label = el.getAttribute('aria-label');
      if (label !== null && words(el)) el.removeAttribute('aria-label');
    });
    // The colour-mode button shows one icon whose title (Light, Dark, System Settings) is
    // its visible text, which is not in the button's name "Color mode". The icons are
    // decoration: the button's name and tooltip say what it does.
    root.querySelectorAll('.theme-switch-button i.theme-switch').forEach(function (icon) {
      icon.removeAttribute('title');
      icon.setAttribute('aria-hidden', 'true');
    });
  }

  function bibliography(root) {
    root.querySelectorAll('[role="list"] > [role="doc-biblioentry"]').forEach(function (entry) {
      entry.setAttribute('role', 'listitem');
    });
  }

  // 5. A wide table scrolls inside its own box (reflow.css); a keyboard user must be able to
  //    reach and scroll it (axe scrollable-region-focusable, WCAG 2.1.1): make such a table
  //    focusable and name it after its caption or heading.
  function focusableScrollers(root) {
    var selector = '.bd-article table, .bd-article .pst-scrollable-table-container, .bd-article .cell_output .output.text_html, .bd-article .peo-wide-figure';
    root.querySelectorAll(selector).forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute('tabindex')) {
        el.setAttribute('tabindex', '0');
        if (!el.hasAttribute('aria-label') && el.tagName !== 'TABLE') {
          el.setAttribute('aria-label', el.querySelector('img') ? 'Figuur (scrolt opzij)' : 'Tabel (scrolt opzij)');
        }
      }
    });
  }

  function repair() {
    translate(document);
    focusableScrollers(document);
    nameNavigationToggles(document);
    labelInName(document);
    bibliography(document);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', repair);
  } else {
    repair();
  }
  window.addEventListener('load', repair);
})();
