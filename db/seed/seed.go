// Package seed fills an empty database with the demo network: a distributor with three
// dealers, their salons, the six demo logins and the three standard tariffs.
package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
)

// DemoPassword is the password of every demo login.
const DemoPassword = "demo12345"

// Login is a demo account as the README lists it.
type Login struct {
	Email, Role, FullName, Note string
}

// DemoLogins are the accounts `karso seed` creates.
var DemoLogins = []Login{
	{"admin@karso.test", "admin", "Администраторова Анна Сергеевна", "администратор"},
	{"manager@karso.test", "manager", "Кураторов Михаил Андреевич", "менеджер салонов «Автомир»"},
	{"manager2@karso.test", "manager", "Кураторова Мария Олеговна", "менеджер остальных салонов и продаж с сайта (Karso online)"},
	{"dealer@karso.test", "dealer", "Продавцов Дмитрий Игоревич", "дилер «Автомир», два салона в Москве"},
	{"dealer2@karso.test", "dealer", "Северов Денис Павлович", "дилер «Северный Авто», салон в Санкт-Петербурге"},
	{"finance@karso.test", "finance", "Бухгалтерова Фаина Ильинична", "финансы"},
}

type demoPartner struct {
	key, name, inn, kpp, ogrn, address, method string
	parent                                     string
	commissionBP                               int32
	deferralDays                               int32
	creditLimit                                int64
	salons                                     []demoSalon
}

type demoSalon struct{ name, city, region, address string }

var demoNetwork = []demoPartner{
	{key: "distributor", name: "ООО «Автодом Дистрибуция»", inn: "7701012342", kpp: "770101001", ogrn: "1027700012340",
		address: "125009, г. Москва, ул. Тверская, д. 7", method: "invoice", commissionBP: 500, deferralDays: 30, creditLimit: 500_000_000},
	{key: "avtomir", parent: "distributor", name: "Автомир", inn: "7722456780", kpp: "772201001", ogrn: "1027700098766",
		address: "109316, г. Москва, Волгоградский пр-т, д. 42", method: "card", commissionBP: 1000,
		salons: []demoSalon{
			{"Автомир на Волгоградке", "Москва", "Москва", "Волгоградский пр-т, д. 42"},
			{"Автомир Дмитровка", "Москва", "Москва", "Дмитровское ш., д. 161"},
		}},
	{key: "severny", parent: "distributor", name: "Северный Авто", inn: "7812345675", kpp: "781201001", ogrn: "1027800056789",
		address: "196084, г. Санкт-Петербург, Московский пр-т, д. 97", method: "invoice", commissionBP: 1200,
		deferralDays: 14, creditLimit: 50_000_000,
		salons: []demoSalon{{"Северный Авто Московский", "Санкт-Петербург", "Санкт-Петербург", "Московский пр-т, д. 97"}}},
	{key: "kazan", parent: "distributor", name: "Казань Моторс", inn: "1655001230", kpp: "165501001", ogrn: "1031600012344",
		address: "420021, г. Казань, ул. Декабристов, д. 85", method: "card", commissionBP: 900,
		salons: []demoSalon{{"Казань Моторс Декабристов", "Казань", "Республика Татарстан", "ул. Декабристов, д. 85"}}},
}

// IfEmpty seeds the demo data when the database has no users yet, and reports whether it did.
func IfEmpty(ctx context.Context, pool *pgxpool.Pool, bcryptCost int, log *slog.Logger) (bool, error) {
	n, err := store.New(pool).CountUsers(ctx)
	if err != nil {
		return false, fmt.Errorf("count users: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return demo(ctx, store.New(tx), bcryptCost) })
	if err != nil {
		return false, fmt.Errorf("seed demo data: %w", err)
	}
	log.Info("demo data seeded", "logins", len(DemoLogins))
	return true, nil
}

func demo(ctx context.Context, q *store.Queries, bcryptCost int) error {
	partnerIDs := map[string]int64{}
	var salonsOf = map[string][]int64{}
	for _, p := range demoNetwork {
		var parent *int64
		if p.parent != "" {
			id := partnerIDs[p.parent]
			parent = &id
		}
		id, err := q.CreatePartner(ctx, store.CreatePartnerParams{Name: p.name, Inn: p.inn, Kpp: p.kpp, Ogrn: p.ogrn,
			LegalAddress: p.address, BankName: "ПАО Сбербанк", Bik: "044525225", BankAccount: "40702810938000012345",
			CorrAccount: "30101810400000000225", ParentID: parent, Status: "active", CommissionBp: p.commissionBP,
			PaymentMethod: p.method, DeferralDays: p.deferralDays, CreditLimitKopecks: p.creditLimit})
		if err != nil {
			return fmt.Errorf("partner %s: %w", p.key, err)
		}
		partnerIDs[p.key] = id
		for _, s := range p.salons {
			sid, err := q.CreateSalon(ctx, store.CreateSalonParams{PartnerID: id, Name: s.name, City: s.city,
				Region: s.region, Address: s.address, Active: true})
			if err != nil {
				return fmt.Errorf("salon %s: %w", s.name, err)
			}
			salonsOf[p.key] = append(salonsOf[p.key], sid)
		}
	}

	hash, err := bcrypt.GenerateFromPassword([]byte(DemoPassword), bcryptCost)
	if err != nil {
		return err
	}
	dealerPartner := map[string]string{"dealer@karso.test": "avtomir", "dealer2@karso.test": "severny"}
	userIDs := map[string]int64{}
	for _, l := range DemoLogins {
		var partner *int64
		if key, ok := dealerPartner[l.Email]; ok {
			id := partnerIDs[key]
			partner = &id
		}
		id, err := q.CreateUser(ctx, store.CreateUserParams{Email: l.Email, PasswordHash: string(hash), Role: l.Role,
			PartnerID: partner, FullName: l.FullName, Phone: "+79990000000", Locale: "ru"})
		if err != nil {
			return fmt.Errorf("user %s: %w", l.Email, err)
		}
		userIDs[l.Email] = id
	}
	// the website's flagged sales wait in manager2's queue: the direct channel's salon (made
	// by migration 00014) is assigned to them
	direct, err := q.GetDirectChannel(ctx)
	if err != nil {
		return fmt.Errorf("direct channel: %w", err)
	}
	assign := map[string][]int64{
		"manager@karso.test":  salonsOf["avtomir"],
		"manager2@karso.test": append(append([]int64{direct.SalonID}, salonsOf["severny"]...), salonsOf["kazan"]...),
	}
	for email, salons := range assign {
		if err := q.AssignManagerSalons(ctx, store.AssignManagerSalonsParams{ManagerID: userIDs[email], SalonIds: salons}); err != nil {
			return fmt.Errorf("assign %s: %w", email, err)
		}
	}
	if err := Tariffs(ctx, q, userIDs["admin@karso.test"]); err != nil {
		return err
	}
	return Templates(ctx, q, userIDs["admin@karso.test"])
}

// Tariffs publishes version 1 of each standard tariff.
func Tariffs(ctx context.Context, q *store.Queries, adminID int64) error {
	for _, t := range warranty.StandardTariffs() {
		coverage, _ := json.Marshal(t.Coverage)
		rules, _ := json.Marshal(t.Rules)
		elig, _ := json.Marshal(t.Eligibility)
		terms := make([]int32, 0, len(t.Terms))
		for _, m := range t.Terms {
			terms = append(terms, int32(m))
		}
		tid, err := q.CreateTariff(ctx, t.Code)
		if err != nil {
			return fmt.Errorf("tariff %s: %w", t.Code, err)
		}
		if _, err := q.CreatePublishedTariffVersion(ctx, store.CreatePublishedTariffVersionParams{TariffID: tid,
			Version: 1, Name: t.Name, Coverage: coverage, Terms: terms, PriceRules: rules, Eligibility: elig,
			CreatedBy: &adminID}); err != nil {
			return fmt.Errorf("tariff %s version: %w", t.Code, err)
		}
	}
	return nil
}
