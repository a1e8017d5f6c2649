/**
 * gf-audit: which runner each workflow job asks for, and the GloriousFlywheel dogfood scorecard of
 * a checkout, from the command line (any repository's CI).
 *
 * @packageDocumentation
 */
export { runGfAudit } from './main';
