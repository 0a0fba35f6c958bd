import { describe, expect, it } from "vitest";
import { analyze } from "../../src/pii/index.js";

// Person names found from the shape of names and the word lists, on sentences written here.

const persons = (text: string) => analyze(text, { entities: ["PERSON"] }).map((f) => f.text);

describe("person names", () => {
  it("finds a first name, an initial and a surname nobody listed", () => {
    expect(persons("The report was reviewed by Oskari T. Väänänen last week.")).toEqual([
      "Oskari T. Väänänen",
    ]);
    expect(persons("Please forward it to Teodora V Brankovič before noon.")).toEqual([
      "Teodora V Brankovič",
    ]);
  });

  it("finds a census first name and surname pair", () => {
    expect(persons("We should ask Harold Whitfield about the budget.")).toEqual([
      "Harold Whitfield",
    ]);
  });

  it("finds a lone unknown name that does what people do", () => {
    expect(persons("Yrjänä spent the summer repairing boats.")).toEqual(["Yrjänä"]);
  });

  it("does not take what something is for a person", () => {
    expect(persons("Quantivex is a data company.")).toEqual([]);
  });

  it("marks the other mentions of a name found with its surname, and only those", () => {
    expect(
      persons("The report was reviewed by Oskari T. Väänänen. Later Väänänen signed it."),
    ).toEqual(["Oskari T. Väänänen", "Väänänen"]);
    // One word after "by" is weak evidence; an everyday word before a name is no part of it.
    const readme =
      "When a command can't be processed by Redis, it is queued. Redis replies later. " +
      "See Matt Andrews' fork. See the docs.";
    expect(persons(readme)).not.toContain("See");
    expect(persons(readme).filter((p) => p === "Redis").length).toBeLessThan(2);
  });

  it("takes code identifiers and documentation labels for no names", () => {
    expect(persons("assert.equal(Math.pow(3, 4), 9); const c = Vega(spec);")).toEqual([]);
    expect(persons("Usage: semver [options] <version>\nOptions:\n-r --range")).toEqual([]);
  });

  it("extends a list of names from one known name", () => {
    expect(persons("The committee: Margaret, Oyelaran and Vuković.")).toEqual([
      "Margaret",
      "Oyelaran",
      "Vuković",
    ]);
  });

  it("drops a list of surnames that names a company", () => {
    expect(persons("She joined Harris, Morgan and Clarke LLP in May.")).toEqual([]);
  });

  it("finds names in text written without capitals", () => {
    expect(persons("please call jennifer okonkwo tomorrow about the invoice")).toEqual([
      "jennifer okonkwo",
    ]);
    expect(persons("my name is dragomir and i need help")).toEqual(["dragomir"]);
  });

  it("leaves nationalities and ordinary capitalized words alone", () => {
    expect(persons("The Norwegian team released Version 2 of the Toolkit on Monday.")).toEqual([]);
  });

  it("leaves product names and sentence breaks alone in technical prose", () => {
    expect(persons("Many JavaScript libraries are written in TypeScript.")).toEqual([]);
    expect(persons("Specify the output file name. Defaults to stdout.")).toEqual([]);
    expect(persons("See the Long Term Support notes.")).toEqual([]);
  });

  it("still takes a name that is also a rare English word", () => {
    expect(persons("We asked Derrick about it yesterday.")).toEqual(["Derrick"]);
    expect(persons("What's your name? Ilse Vandermeulen")).toEqual(["Ilse Vandermeulen"]);
    expect(persons("Petra McAllister wrote the patch.")).toEqual(["Petra McAllister"]);
  });

  it("takes a town after a house number and before a postcode for a place", () => {
    expect(persons("Ship it to 14 Mill Lane, Kettering, NN16 0AB.")).toEqual([]);
  });
});
