// Norwegian (bokmål): IDBridge's translation of BankID's recommended messages.
import type { RfaTexts } from './keys.js';

const searching = 'Søker etter BankID, det kan ta litt tid … Hvis det har gått noen sekunder uten at noen BankID er funnet, har du sannsynligvis ingen BankID som kan brukes til denne {op}';
const getOne = 'Hvis du ikke har BankID, kan du skaffe deg det hos banken din.';
const card = 'Hvis du har et BankID-kort, sett det inn i kortleseren.';
const other = 'Hvis du har BankID på en annen enhet, kan du starte BankID-appen der.';
const install = 'Installer appen fra appbutikken din eller https://install.bankid.com.';

export const nb: RfaTexts = {
  op: { authenticate: 'identifiseringen', sign: 'signeringen' },
  texts: {
    RFA1: 'Start BankID-appen.',
    RFA2: 'Du har ikke BankID-appen installert. Kontakt nettbanken din.',
    RFA3: 'Handlingen ble avbrutt. Prøv igjen.',
    RFA4: 'En identifisering eller signering for dette personnummeret er allerede startet. Prøv igjen.',
    RFA5: 'Intern feil. Prøv igjen.',
    RFA6: 'Handlingen ble avbrutt.',
    RFA8: 'BankID-appen svarer ikke. Kontroller at den er startet og at du har internettilgang. Hvis du ikke har en gyldig BankID, kan du skaffe deg det hos banken din. Prøv igjen.',
    RFA9: 'Skriv inn sikkerhetskoden din i BankID-appen og velg Identifiser eller Signer.',
    RFA13: 'Prøver å starte BankID-appen.',
    RFA14A: `${searching} på denne datamaskinen. ${card} ${getOne} ${other}`,
    RFA14B: `${searching} på denne enheten. ${getOne} ${other}`,
    RFA15A: `${searching} på denne datamaskinen. ${card} ${getOne}`,
    RFA15B: `${searching} på denne enheten. ${getOne}`,
    RFA16: 'BankID-en du prøver å bruke, er sperret eller for gammel. Bruk en annen BankID eller skaff deg en ny hos banken din.',
    RFA17A: `BankID-appen ser ikke ut til å finnes på datamaskinen eller mobilen din. Installer den og skaff deg BankID hos banken din. ${install}`,
    RFA17B: `Kunne ikke lese QR-koden. Start BankID-appen og skann QR-koden. Kontroller at BankID-appen er oppdatert. Hvis du ikke har BankID-appen, må du installere den og skaffe deg BankID hos banken din. ${install}`,
    RFA18: 'Start BankID-appen',
    RFA19: 'Vil du identifisere deg eller signere med BankID på denne datamaskinen eller med Mobilt BankID?',
    RFA20: 'Vil du identifisere deg eller signere med BankID på denne enheten eller med BankID på en annen enhet?',
    RFA21: 'Identifisering eller signering pågår.',
    RFA22: 'Ukjent feil. Prøv igjen.',
    RFA23: 'Les av ID-dokumentet ditt med BankID-appen.',
    callConfirm: 'Bekreft i BankID-appen at du snakker med oss på telefon.',
    declinedCall: 'Du oppga i BankID-appen at du ikke snakker med oss på telefon. Handlingen ble avbrutt.',
    appTooOld: 'BankID-appen din må oppdateres. Oppdater den og prøv igjen.',
    ipMismatch: 'Denne {op} ble fullført på en annen enhet enn den som startet den. Prøv igjen.',
  },
};
