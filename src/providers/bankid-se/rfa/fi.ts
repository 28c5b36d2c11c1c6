// Finnish: IDBridge's translation of BankID's recommended messages.
import type { RfaTexts } from './keys.js';

const searching = 'Etsitään BankID:tä, tämä voi kestää hetken … Jos muutama sekunti on kulunut eikä BankID:tä ole löytynyt, sinulla ei todennäköisesti ole BankID:tä, jota voi käyttää tähän {op}';
const getOne = 'Jos sinulla ei ole BankID:tä, voit hankkia sen pankistasi.';
const card = 'Jos sinulla on BankID-kortti, aseta se kortinlukijaan.';
const other = 'Jos sinulla on BankID toisella laitteella, voit käynnistää BankID-sovelluksen siellä.';
const install = 'Asenna sovellus sovelluskaupasta tai osoitteesta https://install.bankid.com.';

export const fi: RfaTexts = {
  op: { authenticate: 'tunnistautumiseen', sign: 'allekirjoitukseen' },
  texts: {
    RFA1: 'Käynnistä BankID-sovellus.',
    RFA2: 'BankID-sovellusta ei ole asennettu. Ota yhteyttä verkkopankkiisi.',
    RFA3: 'Toiminto peruttiin. Yritä uudelleen.',
    RFA4: 'Tunnistautuminen tai allekirjoitus tälle henkilönumerolle on jo aloitettu. Yritä uudelleen.',
    RFA5: 'Sisäinen virhe. Yritä uudelleen.',
    RFA6: 'Toiminto peruttiin.',
    RFA8: 'BankID-sovellus ei vastaa. Tarkista, että se on käynnissä ja että sinulla on internetyhteys. Jos sinulla ei ole voimassa olevaa BankID:tä, voit hankkia sen pankistasi. Yritä uudelleen.',
    RFA9: 'Anna turvakoodisi BankID-sovelluksessa ja valitse Tunnistaudu tai Allekirjoita.',
    RFA13: 'Yritetään käynnistää BankID-sovellus.',
    RFA14A: `${searching} tällä tietokoneella. ${card} ${getOne} ${other}`,
    RFA14B: `${searching} tällä laitteella. ${getOne} ${other}`,
    RFA15A: `${searching} tällä tietokoneella. ${card} ${getOne}`,
    RFA15B: `${searching} tällä laitteella. ${getOne}`,
    RFA16: 'BankID, jota yrität käyttää, on estetty tai liian vanha. Käytä toista BankID:tä tai hanki uusi pankistasi.',
    RFA17A: `BankID-sovellusta ei näytä löytyvän tietokoneeltasi tai puhelimestasi. Asenna se ja hanki BankID pankistasi. ${install}`,
    RFA17B: `QR-koodin lukeminen epäonnistui. Käynnistä BankID-sovellus ja lue QR-koodi. Tarkista, että BankID-sovellus on ajan tasalla. Jos sinulla ei ole BankID-sovellusta, asenna se ja hanki BankID pankistasi. ${install}`,
    RFA18: 'Käynnistä BankID-sovellus',
    RFA19: 'Haluatko tunnistautua tai allekirjoittaa tämän tietokoneen BankID:llä vai Mobiili BankID:llä?',
    RFA20: 'Haluatko tunnistautua tai allekirjoittaa tämän laitteen BankID:llä vai toisen laitteen BankID:llä?',
    RFA21: 'Tunnistautuminen tai allekirjoitus on käynnissä.',
    RFA22: 'Tuntematon virhe. Yritä uudelleen.',
    RFA23: 'Lue henkilöllisyysasiakirjasi BankID-sovelluksella.',
    callConfirm: 'Vahvista BankID-sovelluksessa, että puhut kanssamme puhelimessa.',
    declinedCall: 'Ilmoitit BankID-sovelluksessa, ettet puhu kanssamme puhelimessa. Toiminto peruttiin.',
    appTooOld: 'BankID-sovelluksesi on päivitettävä. Päivitä se ja yritä uudelleen.',
    ipMismatch: 'Tunnistautuminen tai allekirjoitus viimeisteltiin eri laitteella kuin se aloitettiin. Yritä uudelleen.',
  },
};
