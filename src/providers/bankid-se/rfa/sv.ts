// Swedish texts as published by BankID; the last four are IDBridge's own.
import type { RfaTexts } from './keys.js';

const searching = 'Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella {op}';
const getOne = 'Om du inte har något BankID kan du skaffa ett hos din bank.';
const card = 'Om du har ett BankID-kort, sätt in det i kortläsaren.';
const other = 'Om du har ett BankID på en annan enhet kan du starta din BankID-app där.';
const install = 'Installera appen från din appbutik eller https://install.bankid.com.';

export const sv: RfaTexts = {
  op: { authenticate: 'identifieringen', sign: 'underskriften' },
  texts: {
    RFA1: 'Starta BankID-appen.',
    RFA2: 'Du har inte BankID-appen installerad. Kontakta din internetbank.',
    RFA3: 'Åtgärden avbruten. Försök igen.',
    RFA4: 'En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen.',
    RFA5: 'Internt tekniskt fel. Försök igen.',
    RFA6: 'Åtgärden avbruten.',
    RFA8: 'BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. Om du inte har något giltigt BankID kan du skaffa ett hos din bank. Försök sedan igen.',
    RFA9: 'Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.',
    RFA13: 'Försöker starta BankID-appen.',
    RFA14A: `${searching} i den här datorn. ${card} ${getOne} ${other}`,
    RFA14B: `${searching} i den här enheten. ${getOne} ${other}`,
    RFA15A: `${searching} i den här datorn. ${card} ${getOne}`,
    RFA15B: `${searching} i den här enheten. ${getOne}`,
    RFA16: 'Det BankID du försöker använda är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank.',
    RFA17A: `BankID-appen verkar inte finnas i din dator eller mobil. Installera den och skaffa ett BankID hos din bank. ${install}`,
    RFA17B: `Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden. Kontrollera att BankID-appen är uppdaterad. Om du inte har BankID-appen måste du installera den och skaffa ett BankID hos din bank. ${install}`,
    RFA18: 'Starta BankID-appen',
    RFA19: 'Vill du identifiera dig eller skriva under med BankID på den här datorn eller med ett Mobilt BankID?',
    RFA20: 'Vill du identifiera dig eller skriva under med ett BankID på den här enheten eller med ett BankID på en annan enhet?',
    RFA21: 'Identifiering eller underskrift pågår.',
    RFA22: 'Okänt fel. Försök igen.',
    RFA23: 'Fotografera och läs av din ID-handling med BankID-appen.',
    callConfirm: 'Bekräfta i BankID-appen att du pratar med oss i telefon.',
    declinedCall: 'Du angav i BankID-appen att du inte pratar med oss i telefon. Åtgärden avbröts.',
    appTooOld: 'Din BankID-app behöver uppdateras. Uppdatera den och försök igen.',
    ipMismatch: 'Den aktuella {op} slutfördes på en annan enhet än den som startade den. Försök igen.',
  },
};
