package warranty

import "testing"

func TestValidateINN(t *testing.T) {
	for _, tc := range []struct {
		inn, code string
	}{
		{inn: "7707083893"},   // Sberbank
		{inn: "7736207543"},   // Yandex
		{inn: "7710140679"},   // T-Bank
		{inn: "500100732259"}, // an individual
		{inn: "7707083894", code: CodeINNChecksum},
		{inn: "7707083883", code: CodeINNChecksum},
		{inn: "500100732258", code: CodeINNChecksum}, // 12th digit wrong
		{inn: "500100732269", code: CodeINNChecksum}, // 11th digit wrong
		{inn: "", code: CodeRequired},
		{inn: "770708389", code: CodeINNFormat},
		{inn: "77070838931", code: CodeINNFormat}, // 11 digits
		{inn: "5001007322591", code: CodeINNFormat},
		{inn: "77070838 3", code: CodeINNFormat},
		{inn: " 7707083893", code: CodeINNFormat}, // the caller trims
		{inn: "770708389O", code: CodeINNFormat},
		{inn: "７７０７０８３８９３", code: CodeINNFormat}, // full-width digits
		{inn: "0000000000", code: CodeINNRegion}, // passes the checksum, but no region 00
		{inn: "000000000000", code: CodeINNRegion},
	} {
		wantViolation(t, ValidateINN(tc.inn), "inn", tc.code)
	}
}

func TestValidateKPP(t *testing.T) {
	for _, tc := range []struct {
		kpp, code string
	}{
		{kpp: "773601001"},
		{kpp: "7736AB001"}, // letters in the reason code since 2013
		{kpp: "", code: CodeRequired},
		{kpp: "77360100", code: CodeKPPFormat},
		{kpp: "7736010011", code: CodeKPPFormat},
		{kpp: "7736ab001", code: CodeKPPFormat},
		{kpp: "A73601001", code: CodeKPPFormat},
		{kpp: "77360100A", code: CodeKPPFormat},
		{kpp: "7736Ж1001", code: CodeKPPFormat},
	} {
		wantViolation(t, ValidateKPP(tc.kpp), "kpp", tc.code)
	}
}

func TestValidateOGRN(t *testing.T) {
	for _, tc := range []struct {
		ogrn, code string
	}{
		{ogrn: "1027700132195"},   // Sberbank: 102770013219 mod 11 = 5
		{ogrn: "304500116000157"}, // an OGRNIP: 30450011600015 mod 13 = 7
		{ogrn: "1027700132194", code: CodeOGRNChecksum},
		{ogrn: "1027700132185", code: CodeOGRNChecksum},
		{ogrn: "304500116000158", code: CodeOGRNChecksum},
		{ogrn: "", code: CodeRequired},
		{ogrn: "2027700132195", code: CodeOGRNFormat},   // 2… is a registration record, not an OGRN
		{ogrn: "3027700132195", code: CodeOGRNFormat},   // 13 digits starting with 3
		{ogrn: "104500116000157", code: CodeOGRNFormat}, // 15 digits starting with 1
		{ogrn: "102770013219", code: CodeOGRNFormat},
		{ogrn: "10277001321950", code: CodeOGRNFormat},
		{ogrn: "102770013219X", code: CodeOGRNFormat},
	} {
		wantViolation(t, ValidateOGRN(tc.ogrn), "ogrn", tc.code)
	}
}

func TestValidateBIK(t *testing.T) {
	for _, tc := range []struct {
		bik, code string
	}{
		{bik: "044525225"},
		{bik: "044525974"},
		{bik: "", code: CodeRequired},
		{bik: "144525225", code: CodeBIKFormat},
		{bik: "04452522", code: CodeBIKFormat},
		{bik: "0445252250", code: CodeBIKFormat},
		{bik: "04452522X", code: CodeBIKFormat},
	} {
		wantViolation(t, ValidateBIK(tc.bik), "bik", tc.code)
	}
}

func TestValidateBankAccount(t *testing.T) {
	for _, tc := range []struct {
		bik, account, field, code string
	}{
		{bik: "044525225", account: "30101810400000000225"}, // Sberbank's correspondent account
		{bik: "044525974", account: "30101810145250000974"}, // T-Bank's correspondent account
		{bik: "044525225", account: "40702810938000000001"}, // a company's settlement account
		{bik: "044525225", account: "40817810300000123456"}, // a person's account
		{bik: "044030653", account: "30101810500000000653"}, // Sberbank North-West's correspondent account
		// the same settlement account is wrong at a bank with other last BIK digits
		{bik: "044030653", account: "40702810938000000001", field: "bank_account", code: CodeAccountChecksum},
		{bik: "044525225", account: "40702810038000000001", field: "bank_account", code: CodeAccountChecksum},
		{bik: "044030653", account: "30101810400000000225", field: "bank_account", code: CodeAccountChecksum},
		{bik: "044525225", account: "30101810500000000225", field: "bank_account", code: CodeAccountChecksum},
		{bik: "044525225", account: "", field: "bank_account", code: CodeRequired},
		{bik: "044525225", account: "4070281093800000000", field: "bank_account", code: CodeAccountFormat},
		{bik: "044525225", account: "407028109380000000011", field: "bank_account", code: CodeAccountFormat},
		{bik: "044525225", account: "4070281093800000000A", field: "bank_account", code: CodeAccountFormat},
		{bik: "144525225", account: "40702810938000000001", field: "bik", code: CodeBIKFormat},
		{bik: "", account: "40702810938000000001", field: "bik", code: CodeRequired},
	} {
		wantViolation(t, ValidateBankAccount(tc.bik, tc.account), tc.field, tc.code)
	}
}
