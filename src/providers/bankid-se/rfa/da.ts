// Danish: IDBridge's translation of BankID's recommended messages.
import type { RfaTexts } from './keys.js';

const searching = 'Søger efter BankID, det kan tage et øjeblik … Hvis der er gået nogle sekunder, og der stadig ikke er fundet noget BankID, har du sandsynligvis ikke et BankID, der kan bruges til denne {op}';
const getOne = 'Hvis du ikke har et BankID, kan du få et hos din bank.';
const card = 'Hvis du har et BankID-kort, så sæt det i kortlæseren.';
const other = 'Hvis du har et BankID på en anden enhed, kan du starte BankID-appen der.';
const install = 'Installér appen fra din appbutik eller https://install.bankid.com.';

export const da: RfaTexts = {
  op: { authenticate: 'identifikation', sign: 'underskrift' },
  texts: {
    RFA1: 'Start BankID-appen.',
    RFA2: 'Du har ikke BankID-appen installeret. Kontakt din netbank.',
    RFA3: 'Handlingen blev afbrudt. Prøv igen.',
    RFA4: 'En identifikation eller underskrift for dette personnummer er allerede startet. Prøv igen.',
    RFA5: 'Intern fejl. Prøv igen.',
    RFA6: 'Handlingen blev afbrudt.',
    RFA8: 'BankID-appen svarer ikke. Kontrollér, at den er startet, og at du har internetadgang. Hvis du ikke har et gyldigt BankID, kan du få et hos din bank. Prøv igen.',
    RFA9: 'Indtast din sikkerhedskode i BankID-appen, og vælg Identificer eller Underskriv.',
    RFA13: 'Forsøger at starte BankID-appen.',
    RFA14A: `${searching} på denne computer. ${card} ${getOne} ${other}`,
    RFA14B: `${searching} på denne enhed. ${getOne} ${other}`,
    RFA15A: `${searching} på denne computer. ${card} ${getOne}`,
    RFA15B: `${searching} på denne enhed. ${getOne}`,
    RFA16: 'Det BankID, du forsøger at bruge, er spærret eller for gammelt. Brug et andet BankID, eller få et nyt hos din bank.',
    RFA17A: `BankID-appen ser ikke ud til at findes på din computer eller mobil. Installér den, og få et BankID hos din bank. ${install}`,
    RFA17B: `QR-koden kunne ikke scannes. Start BankID-appen, og scan QR-koden. Kontrollér, at BankID-appen er opdateret. Hvis du ikke har BankID-appen, skal du installere den og få et BankID hos din bank. ${install}`,
    RFA18: 'Start BankID-appen',
    RFA19: 'Vil du identificere dig eller skrive under med BankID på denne computer eller med Mobilt BankID?',
    RFA20: 'Vil du identificere dig eller skrive under med BankID på denne enhed eller med BankID på en anden enhed?',
    RFA21: 'Identifikation eller underskrift er i gang.',
    RFA22: 'Ukendt fejl. Prøv igen.',
    RFA23: 'Scan dit ID-dokument med BankID-appen.',
    callConfirm: 'Bekræft i BankID-appen, at du taler med os i telefonen.',
    declinedCall: 'Du angav i BankID-appen, at du ikke taler med os i telefonen. Handlingen blev afbrudt.',
    appTooOld: 'Din BankID-app skal opdateres. Opdatér den, og prøv igen.',
    ipMismatch: 'Denne {op} blev gennemført på en anden enhed end den, der startede den. Prøv igen.',
  },
};
