/**
 * Dredd transactions the hooks skip, by Dredd's transaction name, each with why (at most five;
 * clients/test/dredd.test.ts checks that exactly these are skipped). A skip is not a pass.
 * None: every transaction runs (the path examples name the stub's shared samples).
 */
module.exports.SKIPPED = {};
