export { cardBrand, creditCardRecognizer, luhnValid } from "./credit-card.js";
export {
  base58CheckValid,
  bech32Variant,
  cryptoRecognizer,
  segwitAddressValid,
} from "./crypto-wallet.js";
export { dateTimeRecognizer, validDate } from "./date-time.js";
export { emailRecognizer } from "./email.js";
export { IBAN_LENGTHS, ibanChecksumValid, ibanRecognizer, ibanValid } from "./iban.js";
export { ipAddressRecognizer } from "./ip-address.js";
export { locationRecognizer } from "./location.js";
export { deaValid, medicalLicenseRecognizer } from "./medical-license.js";
export {
  NER_LABEL_MAP,
  type NerEntity,
  type NerOptions,
  nerRecognizer,
  runNerCommand,
} from "./ner.js";
export { personRecognizer } from "./person.js";
export { DEFAULT_PHONE_REGIONS, makePhoneRecognizer, phoneRecognizer } from "./phone.js";
export { secretsRecognizer } from "./secrets.js";
export { nhsValid, ukNhsRecognizer } from "./uk-nhs.js";
export { urlRecognizer } from "./url.js";
export { usDriverLicenseRecognizer, usPassportRecognizer } from "./us-ids.js";
export { ssnValid, usSsnRecognizer } from "./us-ssn.js";

import type { Recognizer } from "../types.js";
import { creditCardRecognizer } from "./credit-card.js";
import { cryptoRecognizer } from "./crypto-wallet.js";
import { dateTimeRecognizer } from "./date-time.js";
import { emailRecognizer } from "./email.js";
import { ibanRecognizer } from "./iban.js";
import { ipAddressRecognizer } from "./ip-address.js";
import { locationRecognizer } from "./location.js";
import { medicalLicenseRecognizer } from "./medical-license.js";
import { personRecognizer } from "./person.js";
import { phoneRecognizer } from "./phone.js";
import { secretsRecognizer } from "./secrets.js";
import { ukNhsRecognizer } from "./uk-nhs.js";
import { urlRecognizer } from "./url.js";
import { usDriverLicenseRecognizer, usPassportRecognizer } from "./us-ids.js";
import { usSsnRecognizer } from "./us-ssn.js";

/** Every built-in recognizer, in tie-breaking priority order (earlier wins equal scores). */
export const DEFAULT_RECOGNIZERS: readonly Recognizer[] = [
  secretsRecognizer,
  emailRecognizer,
  cryptoRecognizer,
  ibanRecognizer,
  creditCardRecognizer,
  usSsnRecognizer,
  ipAddressRecognizer,
  urlRecognizer,
  dateTimeRecognizer,
  phoneRecognizer,
  ukNhsRecognizer,
  medicalLicenseRecognizer,
  usPassportRecognizer,
  usDriverLicenseRecognizer,
  personRecognizer,
  locationRecognizer,
];
