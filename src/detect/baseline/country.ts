// Country names → ISO 3166-1 alpha-2. Sources write countries differently (FortiGate CEF "United
// States", Entra "US", MaxMind "United States", ISO long forms "Korea, Republic of"); baselines must
// compare one key, so every country a baseline sees goes through normalizeCountry().
//
// The table: the English short name of every assigned code (CLDR, as Intl.DisplayNames writes it; the
// list below was generated from it once and is kept static so results never depend on the ICU build),
// plus ISO 3166 long forms, common variants and alpha-3 codes. Matching ignores case, accents,
// punctuation, "&" vs "and", "St." vs "Saint" and a leading "The".

/** Code → English short name (CLDR). Also answers "is this an assigned code" (XK: Kosovo, user-assigned but universal). */
export const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  AD: 'Andorra', AE: 'United Arab Emirates', AF: 'Afghanistan', AG: 'Antigua & Barbuda', AI: 'Anguilla', AL: 'Albania',
  AM: 'Armenia', AO: 'Angola', AQ: 'Antarctica', AR: 'Argentina', AS: 'American Samoa', AT: 'Austria',
  AU: 'Australia', AW: 'Aruba', AX: 'Åland Islands', AZ: 'Azerbaijan', BA: 'Bosnia & Herzegovina', BB: 'Barbados',
  BD: 'Bangladesh', BE: 'Belgium', BF: 'Burkina Faso', BG: 'Bulgaria', BH: 'Bahrain', BI: 'Burundi',
  BJ: 'Benin', BL: 'St. Barthélemy', BM: 'Bermuda', BN: 'Brunei', BO: 'Bolivia', BQ: 'Caribbean Netherlands',
  BR: 'Brazil', BS: 'Bahamas', BT: 'Bhutan', BV: 'Bouvet Island', BW: 'Botswana', BY: 'Belarus',
  BZ: 'Belize', CA: 'Canada', CC: 'Cocos (Keeling) Islands', CD: 'Congo - Kinshasa', CF: 'Central African Republic', CG: 'Congo - Brazzaville',
  CH: 'Switzerland', CI: 'Côte d’Ivoire', CK: 'Cook Islands', CL: 'Chile', CM: 'Cameroon', CN: 'China',
  CO: 'Colombia', CR: 'Costa Rica', CU: 'Cuba', CV: 'Cape Verde', CW: 'Curaçao', CX: 'Christmas Island',
  CY: 'Cyprus', CZ: 'Czechia', DE: 'Germany', DJ: 'Djibouti', DK: 'Denmark', DM: 'Dominica',
  DO: 'Dominican Republic', DZ: 'Algeria', EC: 'Ecuador', EE: 'Estonia', EG: 'Egypt', EH: 'Western Sahara',
  ER: 'Eritrea', ES: 'Spain', ET: 'Ethiopia', FI: 'Finland', FJ: 'Fiji', FK: 'Falkland Islands',
  FM: 'Micronesia', FO: 'Faroe Islands', FR: 'France', GA: 'Gabon', GB: 'United Kingdom', GD: 'Grenada',
  GE: 'Georgia', GF: 'French Guiana', GG: 'Guernsey', GH: 'Ghana', GI: 'Gibraltar', GL: 'Greenland',
  GM: 'Gambia', GN: 'Guinea', GP: 'Guadeloupe', GQ: 'Equatorial Guinea', GR: 'Greece', GS: 'South Georgia & South Sandwich Islands',
  GT: 'Guatemala', GU: 'Guam', GW: 'Guinea-Bissau', GY: 'Guyana', HK: 'Hong Kong SAR China', HM: 'Heard & McDonald Islands',
  HN: 'Honduras', HR: 'Croatia', HT: 'Haiti', HU: 'Hungary', ID: 'Indonesia', IE: 'Ireland',
  IL: 'Israel', IM: 'Isle of Man', IN: 'India', IO: 'British Indian Ocean Territory', IQ: 'Iraq', IR: 'Iran',
  IS: 'Iceland', IT: 'Italy', JE: 'Jersey', JM: 'Jamaica', JO: 'Jordan', JP: 'Japan',
  KE: 'Kenya', KG: 'Kyrgyzstan', KH: 'Cambodia', KI: 'Kiribati', KM: 'Comoros', KN: 'St. Kitts & Nevis',
  KP: 'North Korea', KR: 'South Korea', KW: 'Kuwait', KY: 'Cayman Islands', KZ: 'Kazakhstan', LA: 'Laos',
  LB: 'Lebanon', LC: 'St. Lucia', LI: 'Liechtenstein', LK: 'Sri Lanka', LR: 'Liberia', LS: 'Lesotho',
  LT: 'Lithuania', LU: 'Luxembourg', LV: 'Latvia', LY: 'Libya', MA: 'Morocco', MC: 'Monaco',
  MD: 'Moldova', ME: 'Montenegro', MF: 'St. Martin', MG: 'Madagascar', MH: 'Marshall Islands', MK: 'North Macedonia',
  ML: 'Mali', MM: 'Myanmar (Burma)', MN: 'Mongolia', MO: 'Macao SAR China', MP: 'Northern Mariana Islands', MQ: 'Martinique',
  MR: 'Mauritania', MS: 'Montserrat', MT: 'Malta', MU: 'Mauritius', MV: 'Maldives', MW: 'Malawi',
  MX: 'Mexico', MY: 'Malaysia', MZ: 'Mozambique', NA: 'Namibia', NC: 'New Caledonia', NE: 'Niger',
  NF: 'Norfolk Island', NG: 'Nigeria', NI: 'Nicaragua', NL: 'Netherlands', NO: 'Norway', NP: 'Nepal',
  NR: 'Nauru', NU: 'Niue', NZ: 'New Zealand', OM: 'Oman', PA: 'Panama', PE: 'Peru',
  PF: 'French Polynesia', PG: 'Papua New Guinea', PH: 'Philippines', PK: 'Pakistan', PL: 'Poland', PM: 'St. Pierre & Miquelon',
  PN: 'Pitcairn Islands', PR: 'Puerto Rico', PS: 'Palestinian Territories', PT: 'Portugal', PW: 'Palau', PY: 'Paraguay',
  QA: 'Qatar', RE: 'Réunion', RO: 'Romania', RS: 'Serbia', RU: 'Russia', RW: 'Rwanda',
  SA: 'Saudi Arabia', SB: 'Solomon Islands', SC: 'Seychelles', SD: 'Sudan', SE: 'Sweden', SG: 'Singapore',
  SH: 'St. Helena', SI: 'Slovenia', SJ: 'Svalbard & Jan Mayen', SK: 'Slovakia', SL: 'Sierra Leone', SM: 'San Marino',
  SN: 'Senegal', SO: 'Somalia', SR: 'Suriname', SS: 'South Sudan', ST: 'São Tomé & Príncipe', SV: 'El Salvador',
  SX: 'Sint Maarten', SY: 'Syria', SZ: 'Eswatini', TC: 'Turks & Caicos Islands', TD: 'Chad', TF: 'French Southern Territories',
  TG: 'Togo', TH: 'Thailand', TJ: 'Tajikistan', TK: 'Tokelau', TL: 'Timor-Leste', TM: 'Turkmenistan',
  TN: 'Tunisia', TO: 'Tonga', TR: 'Türkiye', TT: 'Trinidad & Tobago', TV: 'Tuvalu', TW: 'Taiwan',
  TZ: 'Tanzania', UA: 'Ukraine', UG: 'Uganda', UM: 'U.S. Outlying Islands', US: 'United States', UY: 'Uruguay',
  UZ: 'Uzbekistan', VA: 'Vatican City', VC: 'St. Vincent & Grenadines', VE: 'Venezuela', VG: 'British Virgin Islands', VI: 'U.S. Virgin Islands',
  VN: 'Vietnam', VU: 'Vanuatu', WF: 'Wallis & Futuna', WS: 'Samoa', XK: 'Kosovo', YE: 'Yemen',
  YT: 'Mayotte', ZA: 'South Africa', ZM: 'Zambia', ZW: 'Zimbabwe',
};

/** Other names and codes seen in logs and GeoIP databases → code. */
const VARIANTS: Record<string, string[]> = {
  US: ['United States of America', 'USA', 'U.S.', 'U.S.A.', 'America', 'United States (US)'],
  GB: ['United Kingdom of Great Britain and Northern Ireland', 'Great Britain', 'Britain', 'UK', 'U.K.', 'England', 'Scotland', 'Wales', 'Northern Ireland', 'GBR'],
  RU: ['Russian Federation', 'RUS'],
  KR: ['Korea, Republic of', 'Republic of Korea', 'Korea (South)', 'Korea (Republic of)', 'KOR'],
  KP: ['Korea, Democratic People\'s Republic of', 'Democratic People\'s Republic of Korea', 'Korea (North)', 'PRK'],
  IR: ['Iran, Islamic Republic of', 'Islamic Republic of Iran', 'IRN'],
  VN: ['Viet Nam', 'VNM'],
  TW: ['Taiwan, Province of China', 'Taiwan (Province of China)', 'Republic of China', 'TWN'],
  MD: ['Moldova, Republic of', 'Republic of Moldova', 'MDA'],
  TZ: ['Tanzania, United Republic of', 'United Republic of Tanzania', 'TZA'],
  VE: ['Venezuela, Bolivarian Republic of', 'Bolivarian Republic of Venezuela', 'VEN'],
  BO: ['Bolivia, Plurinational State of', 'Plurinational State of Bolivia', 'BOL'],
  SY: ['Syrian Arab Republic', 'SYR'],
  LA: ['Lao People\'s Democratic Republic', 'Lao PDR', 'LAO'],
  MK: ['Macedonia', 'Macedonia, the former Yugoslav Republic of', 'Republic of North Macedonia', 'MKD'],
  CZ: ['Czech Republic', 'CZE'],
  CD: ['Congo, The Democratic Republic of the', 'Democratic Republic of the Congo', 'DR Congo', 'Congo (Kinshasa)', 'Zaire', 'COD'],
  CG: ['Congo', 'Republic of the Congo', 'Congo (Brazzaville)', 'COG'],
  CI: ['Cote d\'Ivoire', 'Ivory Coast', 'CIV'],
  HK: ['Hong Kong', 'HKG'],
  MO: ['Macao', 'Macau', 'MAC'],
  MM: ['Myanmar', 'Burma', 'MMR'],
  PS: ['Palestine, State of', 'State of Palestine', 'Palestine', 'PSE'],
  BN: ['Brunei Darussalam', 'BRN'],
  FM: ['Micronesia, Federated States of', 'Federated States of Micronesia', 'FSM'],
  VA: ['Holy See (Vatican City State)', 'Holy See', 'VAT'],
  LY: ['Libyan Arab Jamahiriya', 'LBY'],
  SZ: ['Swaziland', 'SWZ'],
  CV: ['Cabo Verde', 'CPV'],
  TR: ['Turkey', 'Turkiye', 'TUR'],
  NL: ['Netherlands (Kingdom of the)', 'Kingdom of the Netherlands', 'Holland', 'NLD'],
  MF: ['Saint Martin (French part)'],
  SX: ['Sint Maarten (Dutch part)'],
  SH: ['Saint Helena, Ascension and Tristan da Cunha'],
  VG: ['Virgin Islands, British'],
  VI: ['Virgin Islands, U.S.', 'US Virgin Islands'],
  FK: ['Falkland Islands (Malvinas)'],
  AE: ['UAE', 'ARE'],
  PN: ['Pitcairn'],
  UM: ['United States Minor Outlying Islands'],
  // alpha-3 codes of the other frequent sources of traffic
  CN: ['People\'s Republic of China', 'CHN'], DE: ['DEU'], FR: ['FRA'], BR: ['BRA'], IN: ['IND'], CA: ['CAN'], MX: ['MEX'], JP: ['JPN'],
  UA: ['UKR'], PL: ['POL'], RO: ['ROU'], ES: ['ESP'], IT: ['ITA'], PT: ['PRT'], BE: ['BEL'], CH: ['CHE'], AT: ['AUT'], SE: ['SWE'],
  NO: ['NOR'], DK: ['DNK'], FI: ['FIN'], IE: ['IRL'], AU: ['AUS'], NZ: ['NZL'], ZA: ['ZAF'], NG: ['NGA'], EG: ['EGY'], IL: ['ISR'],
  SA: ['SAU'], PK: ['PAK'], BD: ['BGD'], ID: ['IDN'], MY: ['MYS'], SG: ['SGP'], TH: ['THA'], PH: ['PHL'], AR: ['ARG'], CO: ['COL'],
  CL: ['CHL'], PE: ['PER'], HU: ['HUN'], GR: ['GRC'], BG: ['BGR'], RS: ['SRB'], BY: ['BLR'], KZ: ['KAZ'], LT: ['LTU'], LV: ['LVA'],
  EE: ['EST'], SK: ['SVK'], SI: ['SVN'], HR: ['HRV'], LU: ['LUX'], IS: ['ISL'], KE: ['KEN'], GH: ['GHA'], MA: ['MAR'], DZ: ['DZA'],
  TN: ['TUN'], IQ: ['IRQ'], QA: ['QAT'], KW: ['KWT'], JO: ['JOR'], LB: ['LBN'], GE: ['GEO'], AM: ['ARM'], AZ: ['AZE'], UZ: ['UZB'],
};

/** Retired or non-ISO two-letter codes still written by some sources → the current code. */
const CODE_ALIASES: Readonly<Record<string, string>> = {
  UK: 'GB', SU: 'RU', BU: 'MM', ZR: 'CD', TP: 'TL', DD: 'DE', FX: 'FR', YU: 'RS', CS: 'RS', AN: 'CW',
};

/** The matching key of a name: lower case, no accents or punctuation, "and" for "&", "st" for "saint", no leading "the". */
export function countryKey(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/&/g, ' and ').replace(/['\u2019]/g, '').replace(/[^a-z0-9]+/g, ' ').trim()
    .replace(/\bsaint\b/g, 'st').replace(/^the /, '');
}

const BY_KEY = new Map<string, string>();
for (const [code, name] of Object.entries(COUNTRY_NAMES)) BY_KEY.set(countryKey(name), code);
for (const [code, names] of Object.entries(VARIANTS)) for (const n of names) BY_KEY.set(countryKey(n), code);
// CLDR short names carry qualifiers some sources drop: "Hong Kong SAR China", "Myanmar (Burma)", "Congo - Kinshasa".
for (const [code, name] of Object.entries(COUNTRY_NAMES)) {
  const plain = countryKey(name.replace(/\s*\(.*\)$/, '').replace(/ SAR China$/, ''));
  if (!BY_KEY.has(plain)) BY_KEY.set(plain, code);
}

/**
 * A country as an ISO 3166-1 alpha-2 code: two letters are taken as a code (upper-cased; retired
 * codes such as UK → GB), a known name or alpha-3 code maps to its code, and anything else is kept
 * upper-cased and trimmed so an unknown name is still one stable key. Empty → undefined.
 */
export function normalizeCountry(value: string | undefined | null): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^[A-Za-z]{2}$/.test(v)) {
    const code = v.toUpperCase();
    return CODE_ALIASES[code] ?? code;
  }
  return BY_KEY.get(countryKey(v)) ?? v.replace(/\s+/g, ' ').toUpperCase();
}
