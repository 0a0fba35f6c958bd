import { describe, expect, it } from "vitest";
import { analyze } from "../../src/pii/index.js";
import { worldTowns } from "../../src/pii/recognizers/places-data.js";

// Places and street addresses, on sentences written here.

const places = (text: string) => analyze(text, { entities: ["LOCATION"] }).map((f) => f.text);

describe("street addresses", () => {
  it("takes a multi-line address whole: street, unit, town, country and postcode", () => {
    expect(places("Send it to 221B Baker Street\nLondon\nUnited Kingdom NW1 6XE")).toEqual([
      "221B Baker Street\nLondon\nUnited Kingdom NW1 6XE",
    ]);
    expect(places("Ship it to 14 Elm Road Apt. 3, Springfield, IL 62704 please.")).toEqual([
      "14 Elm Road Apt. 3, Springfield, IL 62704",
    ]);
  });

  it("reports each line of a bulleted address as a field of its own", () => {
    expect(places("• 12 Rue de la Paix\n• Apt. 4\n• Lyon\n• France 69001")).toEqual([
      "12 Rue de la Paix",
      "Apt. 4",
      "Lyon",
      "France 69001",
    ]);
  });

  it("reads European street types before or after the name, and compound names", () => {
    expect(places("The shop is on Via dei Mille 24 now.")).toEqual(["Via dei Mille 24"]);
    expect(places("Our office: Andrássy út 12.")).toEqual(["Andrássy út 12"]);
    expect(places("Mail goes to Lindenweg 7 in the village.")).toEqual(["Lindenweg 7"]);
  });

  it("takes an intersection as one location", () => {
    expect(places("Meet me at the corner of 5th Avenue and W 42nd Street tomorrow.")).toEqual([
      "the corner of 5th Avenue and W 42nd Street",
    ]);
  });

  it("reads military addresses, with the ship's line", () => {
    expect(places("Ship to: PSC 1234, Box 5678\nAPO AE 09123")).toEqual([
      "PSC 1234, Box 5678\nAPO AE 09123",
    ]);
    expect(places("He serves on USNS Comfort\nFPO AA 34055 now")).toEqual([
      "USNS Comfort\nFPO AA 34055",
    ]);
  });

  it("reads addresses in text typed in lower case", () => {
    expect(places("pls send to 48 harbour road, apt 2, dunedin")).toEqual([
      "48 harbour road, apt 2, dunedin",
    ]);
  });

  it("reads street types and names outside ASCII, and after a number pair", () => {
    expect(places("Mi casa: Rúa do Franco 5, Santiago")).toEqual(["Rúa do Franco 5, Santiago"]);
    expect(places("Στη Λεωφόρος Κηφισίας 12 μένει")).toEqual(["Λεωφόρος Κηφισίας 12"]);
    expect(places("Office: 12 Árpád fejedelem útja 3")).toEqual(["12 Árpád fejedelem útja 3"]);
    expect(places("Send it to 12 34 Main Hammarvägen now.")).toEqual(["12 34 Main Hammarvägen"]);
    expect(places("Mail to DPO AE 09498 today")).toEqual(["DPO AE 09498"]);
  });

  it("takes a bare street name and number only after a cue", () => {
    expect(places("He lives on Joaquin Suarez 2906.")).toEqual(["Joaquin Suarez 2906"]);
    expect(places("Our address:\tJoaquin Suarez 2906")).toEqual(["Joaquin Suarez 2906"]);
    expect(places("He met Joaquin Suarez 2906 times.")).toEqual([]);
  });

  it("takes no dates, versions, table cells or company names for streets", () => {
    expect(places("Last updated: Sat, 01 Aug 2026 06:18:34 GMT")).toEqual([]);
    expect(places("Tested on Windows 10 and Firefox 19.")).toEqual([]);
    expect(places("['Value Row 1 Col 1', 'Value Row 1 Col 2']")).toEqual([]);
    expect(places("Our team at 5 Monitoring Inc is hiring.")).toEqual([]);
    expect(places("The treaty on European Union was signed.")).toEqual([]);
  });
});

describe("places", () => {
  it("finds countries and large cities on their own", () => {
    expect(places("Prices in Portugal rose faster than in Buenos Aires.")).toEqual([
      "Portugal",
      "Buenos Aires",
    ]);
  });

  it("finds a GeoNames town after a locative phrase", () => {
    expect(places("I grew up in Kuressaare, a town on an island.")).toEqual(["Kuressaare"]);
    expect(places("The ferry leaves from Stornoway at noon.")).toEqual(["Stornoway"]);
  });

  it("finds an unknown name after a phrase that must name a place", () => {
    expect(places("She was born in Vahastu and never left.")).toEqual(["Vahastu"]);
  });

  it("keeps towns that are also words or names quiet without a locative", () => {
    expect(places("Reading the report took an hour.")).toEqual([]);
    expect(places("Nice work! She moved to Nice last year.")).toEqual(["Nice"]);
    expect(places("The offer came from Jenkins, Ruiz and Ortega.")).toEqual([]);
  });

  it("leaves people named after places to the person recognizer", () => {
    expect(places("Georgia Smith called from Tartu.")).toEqual(["Tartu"]);
  });

  it("takes no code or product names after 'in' for towns", () => {
    expect(places("It is written in JavaScript and runs in Docker.")).toEqual([]);
    expect(places("Load it from TensorFlow.js or from `Redis` directly.")).toEqual([]);
  });

  it("finds a town before a comma and a known country or state", () => {
    expect(places("Offices: Tarvastu, Estonia and Oakridge, Oregon.")).toEqual([
      "Tarvastu",
      "Estonia",
      "Oakridge",
      "Oregon",
    ]);
  });

  it("finds English place names by their form", () => {
    expect(places("We drove to Lake Tekapo and then to Marysburgh.")).toEqual([
      "Lake Tekapo",
      "Marysburgh",
    ]);
  });

  it("reads region codes that spell words and post-directionals in addresses", () => {
    expect(places("Mail: 12 King Street West\nToronto, ON M5H 1A1")).toEqual([
      "12 King Street West\nToronto, ON M5H 1A1",
    ]);
  });

  it("reads a town that is also a surname after 'in', not after 'from'", () => {
    expect(places("The company opened an office in Lincoln last year.")).toEqual(["Lincoln"]);
    expect(places("The letter came from Lincoln yesterday.")).toEqual([]);
    expect(places("It serves as the bundler in [Vite](https://example.org/) now.")).toEqual([]);
  });

  it("reads lower-case text with a locative", () => {
    expect(places("she was born in vahastu and stayed")).toEqual(["vahastu"]);
    expect(places("we flew to tallinn in may")).toEqual(["tallinn"]);
  });
});

describe("the GeoNames gazetteer", () => {
  it("loads names with their largest population, periods dropped", () => {
    const towns = worldTowns();
    expect(towns.population.size).toBeGreaterThan(100_000);
    expect(towns.population.get("kuressaare")).toBeGreaterThan(1000);
    expect(towns.population.has("st louis")).toBe(true);
    expect(towns.prefixes.has("buenos")).toBe(true);
  });
});
