// A small gazetteer written for mlsec: sovereign states (ISO 3166-1 English short names and
// common variants), the dependent territories ISO 3166-1 also lists, US states, Canadian
// provinces and territories and Australian states (ISO 3166-2:US, CA, AU; not Victoria, a first
// name the person recognizer must keep), and major world cities (capitals and cities over ~1M
// people). Smaller towns come from GeoNames (places-data.ts).

const COUNTRIES = `Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|Austria|Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia and Herzegovina|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|Canada|Cape Verde|Central African Republic|Chad|Chile|China|Colombia|Comoros|Congo|Costa Rica|Croatia|Cuba|Cyprus|Czech Republic|Czechia|Denmark|Djibouti|Dominica|Dominican Republic|East Timor|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Greenland|Grenada|Guatemala|Guinea|Guinea-Bissau|Guyana|Haiti|Honduras|Hong Kong|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Ivory Coast|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kiribati|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|Marshall Islands|Mauritania|Mauritius|Mexico|Micronesia|Moldova|Monaco|Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Namibia|Nauru|Nepal|Netherlands|New Zealand|Nicaragua|Niger|Nigeria|North Korea|North Macedonia|Norway|Oman|Pakistan|Palau|Palestine|Panama|Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Puerto Rico|Qatar|Romania|Russia|Russian Federation|Rwanda|Saint Lucia|Samoa|San Marino|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|Singapore|Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|South Korea|South Sudan|Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Togo|Tonga|Trinidad and Tobago|Tunisia|Turkey|Türkiye|Turkmenistan|Tuvalu|Uganda|Ukraine|United Arab Emirates|United Kingdom|United States|United States of America|Uruguay|Uzbekistan|Vanuatu|Vatican City|Venezuela|Vietnam|Yemen|Zambia|Zimbabwe|England|Scotland|Wales|Northern Ireland|Great Britain|Britain|USA|UK|U.S.|U.K.|UAE`;

const TERRITORIES = `Åland Islands|Aland Islands|American Samoa|Anguilla|Antarctica|Aruba|Bermuda|Bonaire|Bouvet Island|British Indian Ocean Territory|British Virgin Islands|Cayman Islands|Christmas Island|Cocos Islands|Cook Islands|Curaçao|Curacao|Falkland Islands|Faroe Islands|French Guiana|French Polynesia|French Southern Territories|Gibraltar|Guadeloupe|Guam|Guernsey|Heard Island and McDonald Islands|Isle of Man|Jersey|Macao|Macau|Martinique|Mayotte|New Caledonia|Niue|Norfolk Island|Northern Mariana Islands|Pitcairn Islands|Réunion|Reunion|Saint Barthélemy|Saint Helena|Saint Kitts and Nevis|Saint Martin|Saint Pierre and Miquelon|Saint Vincent and the Grenadines|Sao Tome and Principe|São Tomé and Príncipe|Sint Maarten|South Georgia and the South Sandwich Islands|Svalbard and Jan Mayen|Tokelau|Turks and Caicos Islands|United States Virgin Islands|US Virgin Islands|Wallis and Futuna|Western Sahara|Holy See|Vatican|Burma|Korea|Macedonia|Swaziland|Cabo Verde|Côte d'Ivoire|Cote d'Ivoire|Timor-Leste|Democratic Republic of the Congo|Republic of the Congo|DR Congo|Slovak Republic|Kyrgyz Republic`;

const PROVINCES = `Alberta|British Columbia|Manitoba|New Brunswick|Newfoundland and Labrador|Newfoundland|Nova Scotia|Ontario|Prince Edward Island|Quebec|Québec|Saskatchewan|Northwest Territories|Nunavut|Yukon|New South Wales|Queensland|South Australia|Tasmania|Western Australia|Northern Territory|Australian Capital Territory`;

const US_STATES = `Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming`;

const CITIES = `Tokyo|Delhi|New Delhi|Shanghai|São Paulo|Sao Paulo|Mexico City|Cairo|Mumbai|Beijing|Dhaka|Osaka|Karachi|Chongqing|Istanbul|Buenos Aires|Kolkata|Kinshasa|Lagos|Manila|Tianjin|Rio de Janeiro|Guangzhou|Lahore|Moscow|Shenzhen|Bangalore|Bengaluru|Paris|Bogotá|Bogota|Jakarta|Chennai|Lima|Bangkok|Seoul|Nagoya|Hyderabad|London|Tehran|Chicago|Chengdu|Nanjing|Wuhan|Ho Chi Minh City|Luanda|Ahmedabad|Kuala Lumpur|Xi'an|Hong Kong|Dongguan|Hangzhou|Foshan|Shenyang|Riyadh|Baghdad|Santiago|Surat|Madrid|Suzhou|Pune|Harbin|Houston|Dallas|Toronto|Dar es Salaam|Miami|Belo Horizonte|Singapore|Philadelphia|Atlanta|Fukuoka|Khartoum|Barcelona|Johannesburg|Saint Petersburg|St. Petersburg|Qingdao|Dalian|Washington|Yangon|Alexandria|Jinan|Guadalajara|Los Angeles|San Francisco|San Diego|San Jose|Seattle|Boston|Denver|Phoenix|Detroit|Las Vegas|Portland|Austin|Nashville|Baltimore|Minneapolis|New Orleans|Pittsburgh|Brooklyn|Manhattan|Montreal|Vancouver|Ottawa|Calgary|Sydney|Melbourne|Brisbane|Perth|Adelaide|Auckland|Wellington|Berlin|Hamburg|Munich|München|Cologne|Köln|Frankfurt|Stuttgart|Düsseldorf|Vienna|Wien|Zurich|Zürich|Geneva|Bern|Basel|Rome|Roma|Milan|Milano|Naples|Turin|Florence|Venice|Lisbon|Porto|Seville|Valencia|Bilbao|Amsterdam|Rotterdam|The Hague|Utrecht|Eindhoven|Brussels|Antwerp|Ghent|Liège|Charleroi|Luxembourg|Dublin|Cork|Edinburgh|Glasgow|Manchester|Birmingham|Liverpool|Leeds|Bristol|Cardiff|Belfast|Oxford|Cambridge|Copenhagen|Aarhus|Stockholm|Gothenburg|Malmö|Oslo|Bergen|Helsinki|Espoo|Tampere|Reykjavik|Reykjavík|Warsaw|Kraków|Krakow|Wrocław|Gdańsk|Poznań|Łódź|Prague|Brno|Bratislava|Budapest|Ljubljana|Zagreb|Belgrade|Sarajevo|Bucharest|Sofia|Athens|Thessaloniki|Nicosia|Limassol|Tallinn|Tartu|Riga|Vilnius|Kaunas|Kyiv|Kiev|Minsk|Marseille|Lyon|Toulouse|Nice|Nantes|Strasbourg|Bordeaux|Lille|Dubai|Abu Dhabi|Doha|Tel Aviv|Jerusalem|Beirut|Amman|Nairobi|Addis Ababa|Accra|Casablanca|Tunis|Algiers|Cape Town|Durban|Pretoria|Havana|Caracas|Quito|Montevideo|Brasília|Brasilia|Recife|Salvador|Fortaleza|Curitiba|Porto Alegre|Monterrey|Taipei|Hanoi|Kabul|Islamabad|Colombo|Kathmandu|Ankara|Izmir|Baku|Tbilisi|Yerevan|Almaty|Tashkent`;

function toSet(list: string): ReadonlySet<string> {
  return new Set(list.split("|").map((s) => s.toLowerCase()));
}

/** Lower-cased place names; multi-word names are stored with single spaces. */
export const PLACES: ReadonlySet<string> = new Set([
  ...toSet(COUNTRIES),
  ...toSet(TERRITORIES),
  ...toSet(PROVINCES),
  ...toSet(US_STATES),
  ...toSet(CITIES),
]);

/** The longest place name in words, so matching looks at most this far ahead. */
export const MAX_PLACE_WORDS = Math.max(...[...PLACES].map((p) => p.split(" ").length));

/** Every leading word sequence of a multi-word place ("new", "new south"): phrase matching
 * extends a phrase only while it can still become a place. */
export const PLACE_PREFIXES: ReadonlySet<string> = new Set(
  [...PLACES].flatMap((p) => {
    const words = p.split(" ");
    return words.slice(1).map((_, i) => words.slice(0, i + 1).join(" "));
  }),
);
