package seed

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"

	"karso.ru/prm/warranty"
)

// SyntheticINNPrefix starts the INN of every synthetic partner ("99" is a real region code,
// "00" an inspection no demo partner uses): it marks the synthetic network, so a second run
// finds it and loads nothing.
const SyntheticINNPrefix = "9900"

// SyntheticOptions sizes the generated network. The zero value of a field means its default.
type SyntheticOptions struct {
	Partners int // 1,000
	Salons   int // 5,000
	Sales    int // 1,000,000
	Managers int // 50
	Months   int // 24, the last one being Now's month (generated only up to Now)
	// Now is the moment the history ends at (default time.Now()).
	Now time.Time
	// Loc is the company's time zone: sale months and working hours are in it.
	Loc *time.Location
	// Seed makes the data reproducible: the same options give the same network and sales.
	Seed uint64
	// BcryptCost hashes the one password all synthetic logins share (DemoPassword).
	BcryptCost int
}

func (o SyntheticOptions) withDefaults() SyntheticOptions {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Partners, 1_000)
	def(&o.Salons, 5_000)
	def(&o.Sales, 1_000_000)
	def(&o.Managers, 50)
	def(&o.Months, 24)
	def(&o.BcryptCost, bcrypt.DefaultCost)
	if o.Salons < o.Partners {
		o.Salons = o.Partners
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Loc == nil {
		o.Loc = warranty.Moscow()
	}
	if o.Seed == 0 {
		o.Seed = 20240101
	}
	return o
}

// SyntheticManagerEmail is the login of the n-th synthetic manager (1-based); the benchmark
// signs in as one to measure the manager's scope.
func SyntheticManagerEmail(n int) string { return fmt.Sprintf("manager-%d@synthetic.karso.test", n) }

// SyntheticDealerEmail is the login of the dealer of the n-th synthetic partner (1-based).
func SyntheticDealerEmail(n int) string { return fmt.Sprintf("dealer-%d@synthetic.karso.test", n) }

// Synthetic loads a large realistic network for load tests and benchmarks: partners (a few
// distributors with dealers below them), salons spread over Russian cities by population, one
// dealer login per partner, managers curating salons region by region, and sales over the
// last months with growth, seasons, the whole status funnel, tariffs, discounts, commissions
// and upsells.
//
// Rows go in through COPY in one transaction, month after month in the order they happened,
// so the table is laid out as production's would be (by time). It reports false and loads
// nothing when the synthetic network is already there.
func Synthetic(ctx context.Context, pool *pgxpool.Pool, opts SyntheticOptions, log *slog.Logger) (bool, error) {
	o := opts.withDefaults()
	started := time.Now()
	hash, err := bcrypt.GenerateFromPassword([]byte(DemoPassword), o.BcryptCost)
	if err != nil {
		return false, err
	}
	var seeded bool
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// two concurrent seeds must not both pass the presence check
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('karso.seed.synthetic'))"); err != nil {
			return err
		}
		var present bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM partners WHERE inn LIKE $1 || '%')",
			SyntheticINNPrefix).Scan(&present); err != nil {
			return fmt.Errorf("look for synthetic data: %w", err)
		}
		if present {
			return nil
		}
		g := newGenerator(o)
		if err := g.network(ctx, tx, string(hash)); err != nil {
			return err
		}
		log.Info("synthetic network loaded", "partners", len(g.partners), "salons", len(g.salons),
			"managers", o.Managers, "took", time.Since(started).Round(time.Millisecond))
		if err := g.sales(ctx, tx, log); err != nil {
			return err
		}
		seeded = true
		return nil
	})
	if err != nil || !seeded {
		return false, wrap("seed synthetic data", err)
	}
	// fresh statistics for the planner, and a visibility map so index-only scans work at once
	if _, err := pool.Exec(ctx, "VACUUM (ANALYZE) sales, salons, partners, manager_salons"); err != nil {
		return true, fmt.Errorf("vacuum after synthetic seed: %w", err)
	}
	log.Info("synthetic data seeded", "sales", o.Sales, "took", time.Since(started).Round(time.Millisecond))
	return true, nil
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}

// city is a place salons stand in, weighted roughly by its population.
type city struct {
	name, region string
	weight       float64
}

var syntheticCities = []city{
	{"Москва", "Москва", 13.0}, {"Санкт-Петербург", "Санкт-Петербург", 5.6},
	{"Новосибирск", "Новосибирская область", 1.6}, {"Екатеринбург", "Свердловская область", 1.5},
	{"Казань", "Республика Татарстан", 1.3}, {"Нижний Новгород", "Нижегородская область", 1.2},
	{"Красноярск", "Красноярский край", 1.2}, {"Челябинск", "Челябинская область", 1.2},
	{"Самара", "Самарская область", 1.2}, {"Уфа", "Республика Башкортостан", 1.1},
	{"Ростов-на-Дону", "Ростовская область", 1.1}, {"Краснодар", "Краснодарский край", 1.1},
	{"Омск", "Омская область", 1.1}, {"Воронеж", "Воронежская область", 1.0},
	{"Пермь", "Пермский край", 1.0}, {"Волгоград", "Волгоградская область", 1.0},
	{"Тюмень", "Тюменская область", 0.8}, {"Саратов", "Саратовская область", 0.8},
	{"Тольятти", "Самарская область", 0.7}, {"Ижевск", "Удмуртская Республика", 0.6},
	{"Барнаул", "Алтайский край", 0.6}, {"Иркутск", "Иркутская область", 0.6},
	{"Хабаровск", "Хабаровский край", 0.6}, {"Владивосток", "Приморский край", 0.6},
	{"Ярославль", "Ярославская область", 0.6}, {"Махачкала", "Республика Дагестан", 0.6},
	{"Томск", "Томская область", 0.6}, {"Оренбург", "Оренбургская область", 0.6},
	{"Кемерово", "Кемеровская область", 0.6}, {"Рязань", "Рязанская область", 0.5},
	{"Набережные Челны", "Республика Татарстан", 0.5}, {"Пенза", "Пензенская область", 0.5},
	{"Липецк", "Липецкая область", 0.5}, {"Калининград", "Калининградская область", 0.5},
	{"Тула", "Тульская область", 0.5}, {"Сочи", "Краснодарский край", 0.5},
}

// vehicle makes as the Russian market sells them, with models and how common they are
var syntheticMakes = []struct {
	make   string
	models []string
	weight float64
}{
	{"Lada", []string{"Vesta", "Granta", "Niva Travel", "Largus", "XRAY"}, 9},
	{"Haval", []string{"Jolion", "F7", "Dargo", "H6"}, 6},
	{"Chery", []string{"Tiggo 4 Pro", "Tiggo 7 Pro", "Tiggo 8 Pro", "Arrizo 8"}, 6},
	{"Geely", []string{"Coolray", "Monjaro", "Atlas", "Tugella"}, 5},
	{"Kia", []string{"Rio", "Sportage", "Seltos", "K5", "Sorento"}, 5},
	{"Hyundai", []string{"Solaris", "Creta", "Tucson", "Santa Fe"}, 5},
	{"Toyota", []string{"Camry", "RAV4", "Corolla", "Land Cruiser Prado"}, 4},
	{"Volkswagen", []string{"Polo", "Tiguan", "Passat"}, 3},
	{"Skoda", []string{"Octavia", "Rapid", "Kodiaq", "Karoq"}, 3},
	{"Renault", []string{"Logan", "Duster", "Arkana", "Sandero"}, 3},
	{"Changan", []string{"CS35 Plus", "CS55 Plus", "UNI-K", "UNI-V"}, 3},
	{"Exeed", []string{"LX", "TXL", "VX"}, 2},
	{"BMW", []string{"X5", "3 Series", "5 Series", "X3"}, 2},
	{"Mercedes-Benz", []string{"E-Class", "GLE", "C-Class", "GLC"}, 2},
	{"Nissan", []string{"Qashqai", "X-Trail", "Almera"}, 2},
	{"Mazda", []string{"CX-5", "6", "CX-30"}, 1.5},
}

var (
	lastNamesM  = []string{"Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров"}
	firstNamesM = []string{"Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Иван", "Михаил", "Артём", "Евгений", "Владимир", "Николай", "Павел", "Роман", "Игорь"}
	patronymM   = []string{"Александрович", "Сергеевич", "Дмитриевич", "Андреевич", "Алексеевич", "Иванович", "Михайлович", "Владимирович", "Николаевич", "Петрович"}
	firstNamesF = []string{"Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Екатерина", "Ирина", "Светлана", "Юлия", "Анастасия", "Дарья"}
	patronymF   = []string{"Александровна", "Сергеевна", "Дмитриевна", "Андреевна", "Алексеевна", "Ивановна", "Михайловна", "Владимировна", "Николаевна", "Петровна"}
	brandWords  = []string{"Авто", "Мотор", "Драйв", "Кар", "Транс", "Лидер", "Престиж", "Регион", "Сити", "Форвард", "Магистраль", "Олимп", "Вектор", "Альянс", "Гранд"}
	brandTails  = []string{"Центр", "Холдинг", "Групп", "Плюс", "Маркет", "Трейд", "Сервис", "Дом", "Мир", "Лайн"}
)

type synthPartner struct {
	id, dealerID int64
	name, inn    string
	commissionBP int64
	invoice      bool
	home         int // index into syntheticCities
}

type synthSalon struct {
	id, partnerID int64
	partner       int // index into partners
	city          int
	weight        float64 // the salon's share of sales
}

// generator holds the random source and the network the sales are spread over.
type generator struct {
	o        SyntheticOptions
	rnd      *rand.Rand
	partners []synthPartner
	salons   []synthSalon
	// cumulative salon weights, to pick a salon for a sale in O(log n)
	salonCum []float64
	cityCum  []float64
	makeCum  []float64
	// next contract sequence per year, continuing whatever the counters already hold
	contractSeq map[int]int64
}

func newGenerator(o SyntheticOptions) *generator {
	g := &generator{o: o, rnd: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), contractSeq: map[int]int64{}}
	for _, c := range syntheticCities {
		g.cityCum = appendCum(g.cityCum, c.weight)
	}
	for _, m := range syntheticMakes {
		g.makeCum = appendCum(g.makeCum, m.weight)
	}
	return g
}

func appendCum(cum []float64, w float64) []float64 {
	last := 0.0
	if len(cum) > 0 {
		last = cum[len(cum)-1]
	}
	return append(cum, last+w)
}

// pick returns an index drawn with the weights whose running sums cum holds.
func (g *generator) pick(cum []float64) int {
	x := g.rnd.Float64() * cum[len(cum)-1]
	i, _ := slices.BinarySearch(cum, x)
	return min(i, len(cum)-1)
}

func (g *generator) one(xs []string) string { return xs[g.rnd.IntN(len(xs))] }

// network creates partners, their salons, one dealer per partner and the managers.
func (g *generator) network(ctx context.Context, tx pgx.Tx, passwordHash string) error {
	if err := g.createPartners(ctx, tx); err != nil {
		return err
	}
	if err := g.createSalons(ctx, tx); err != nil {
		return err
	}
	if err := g.createDealers(ctx, tx, passwordHash); err != nil {
		return err
	}
	return g.createManagers(ctx, tx, passwordHash)
}

// createPartners makes one distributor in twenty-five; most dealers sit below one.
func (g *generator) createPartners(ctx context.Context, tx pgx.Tx) error {
	n := g.o.Partners
	distributors := max(1, n/25)
	g.partners = make([]synthPartner, n)
	for i := range g.partners {
		p := &g.partners[i]
		p.home = g.pick(g.cityCum)
		p.name = fmt.Sprintf("ООО «%s%s %d»", g.one(brandWords), g.one(brandTails), i+1)
		p.inn = syntheticINN(i + 1)
		p.commissionBP = int64(500 + 100*g.rnd.IntN(11)) // 5%…15%
		p.invoice = g.rnd.Float64() < 0.3
		var parent *int64
		if i >= distributors && g.rnd.Float64() < 0.7 {
			parent = &g.partners[g.rnd.IntN(distributors)].id
		}
		method := "card"
		if p.invoice {
			method = "invoice"
		}
		deferral := 0
		if p.invoice {
			deferral = 14
		}
		err := tx.QueryRow(ctx, `INSERT INTO partners (name, inn, kpp, legal_address, parent_id, status, commission_bp,
		                                              payment_method, deferral_days, credit_limit_kopecks)
		                         VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9) RETURNING id`,
			p.name, p.inn, p.inn[:4]+"01001", syntheticCities[p.home].name+", ул. Промышленная, д. "+strconv.Itoa(1+i%200),
			parent, p.commissionBP, method, deferral, int64(deferral)*10_000_000).Scan(&p.id)
		if err != nil {
			return fmt.Errorf("synthetic partner %d: %w", i+1, err)
		}
	}
	return nil
}

// createSalons gives every partner a salon and spreads the rest over partners unevenly (a few
// large networks, many single-salon dealers); most salons stand in the partner's home city.
func (g *generator) createSalons(ctx context.Context, tx pgx.Tx) error {
	size := make([]float64, len(g.partners))
	var sizeCum []float64
	for i := range size {
		size[i] = math.Exp(g.rnd.NormFloat64() * 1.1) // log-normal network sizes
		sizeCum = appendCum(sizeCum, size[i])
	}
	owner := make([]int, 0, g.o.Salons)
	for i := range g.partners {
		owner = append(owner, i)
	}
	for len(owner) < g.o.Salons {
		owner = append(owner, g.pick(sizeCum))
	}
	slices.Sort(owner)
	rows := make([][]any, 0, len(owner))
	g.salons = make([]synthSalon, len(owner))
	for i, pi := range owner {
		p := g.partners[pi]
		c := p.home
		if g.rnd.Float64() < 0.2 {
			c = g.pick(g.cityCum)
		}
		g.salons[i] = synthSalon{partnerID: p.id, partner: pi, city: c, weight: math.Exp(g.rnd.NormFloat64() * 0.8)}
		g.salonCum = appendCum(g.salonCum, g.salons[i].weight)
		cc := syntheticCities[c]
		rows = append(rows, []any{p.id, fmt.Sprintf("%s — %s №%d", p.name[len("ООО «"):len(p.name)-len("»")], cc.name, i+1),
			cc.name, cc.region, "ул. Автомобильная, д. " + strconv.Itoa(1+i%300)})
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"salons"}, []string{"partner_id", "name", "city", "region", "address"},
		pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("synthetic salons: %w", err)
	}
	// COPY returns no ids: read them back in insertion order (identities are increasing)
	ids, err := queryIDs(ctx, tx, `SELECT s.id FROM salons s JOIN partners p ON p.id = s.partner_id
	                                WHERE p.inn LIKE $1 || '%' ORDER BY s.id`, SyntheticINNPrefix)
	if err != nil || len(ids) != len(g.salons) {
		return fmt.Errorf("synthetic salon ids: %d of %d: %w", len(ids), len(g.salons), err)
	}
	for i := range g.salons {
		g.salons[i].id = ids[i]
	}
	return nil
}

func queryIDs(ctx context.Context, tx pgx.Tx, sql string, args ...any) ([]int64, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

func (g *generator) createDealers(ctx context.Context, tx pgx.Tx, passwordHash string) error {
	rows := make([][]any, 0, len(g.partners))
	for i, p := range g.partners {
		rows = append(rows, []any{SyntheticDealerEmail(i + 1), passwordHash, "dealer", p.id, g.personName(), "+7999" + fmt.Sprintf("%07d", i+1)})
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"users"}, []string{"email", "password_hash", "role", "partner_id", "full_name", "phone"},
		pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("synthetic dealers: %w", err)
	}
	ids, err := queryIDs(ctx, tx, `SELECT u.id FROM users u JOIN partners p ON p.id = u.partner_id
	                                WHERE p.inn LIKE $1 || '%' AND u.email LIKE 'dealer-%@synthetic.karso.test' ORDER BY u.id`, SyntheticINNPrefix)
	if err != nil || len(ids) != len(g.partners) {
		return fmt.Errorf("synthetic dealer ids: %d of %d: %w", len(ids), len(g.partners), err)
	}
	for i := range g.partners {
		g.partners[i].dealerID = ids[i]
	}
	return nil
}

// createManagers splits the salons, ordered by region, into contiguous runs, one per manager,
// as curators are assigned in practice; one salon in twenty gets a second curator too.
func (g *generator) createManagers(ctx context.Context, tx pgx.Tx, passwordHash string) error {
	order := make([]int, len(g.salons))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return compareStrings(syntheticCities[g.salons[a].city].region, syntheticCities[g.salons[b].city].region)
	})
	per := (len(order) + g.o.Managers - 1) / g.o.Managers
	var assignments [][]any
	for m := 0; m < g.o.Managers; m++ {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO users (email, password_hash, role, full_name, phone)
		                            VALUES ($1, $2, 'manager', $3, '+79990000000') RETURNING id`,
			SyntheticManagerEmail(m+1), passwordHash, g.personName()).Scan(&id); err != nil {
			return fmt.Errorf("synthetic manager %d: %w", m+1, err)
		}
		for _, si := range order[min(m*per, len(order)):min((m+1)*per, len(order))] {
			assignments = append(assignments, []any{id, g.salons[si].id})
		}
		if m > 0 { // a co-curator for some salons of the previous manager's run
			for _, si := range order[(m-1)*per : m*per] {
				if g.rnd.IntN(20) == 0 {
					assignments = append(assignments, []any{id, g.salons[si].id})
				}
			}
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"manager_salons"}, []string{"manager_id", "salon_id"},
		pgx.CopyFromRows(assignments)); err != nil {
		return fmt.Errorf("synthetic manager salons: %w", err)
	}
	return nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (g *generator) personName() string {
	if g.rnd.IntN(2) == 0 {
		return g.one(lastNamesM) + " " + g.one(firstNamesM) + " " + g.one(patronymM)
	}
	return g.one(lastNamesM) + "а " + g.one(firstNamesF) + " " + g.one(patronymF)
}

// syntheticINN makes a valid 10-digit legal-entity INN (checksum included) under the
// synthetic prefix.
func syntheticINN(n int) string {
	body := fmt.Sprintf("%s%05d", SyntheticINNPrefix, n)
	weights := []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + strconv.Itoa(sum%11%10)
}

// --- sales ----------------------------------------------------------------------------------

// saleColumns are the read-model columns COPY fills; the rest keep their defaults.
var saleColumns = []string{"id", "workflow_id", "revision", "status", "contract_number", "partner_id", "salon_id",
	"seller_id", "city", "vin", "make", "model", "vehicle_year", "mileage_km", "engine_power_hp", "vehicle_category",
	"customer_name", "customer_phone", "customer_email", "tariff_code", "term_months", "gross_kopecks",
	"discount_bp", "discount_kopecks", "price_kopecks", "commission_kopecks", "upsell_kopecks", "sale_month",
	"created_at", "updated_at", "submitted_at", "approved_at", "activated_at", "closed_at", "cancelled_at"}

// sales generates the sales month by month, oldest first, and COPYs each month in the order
// the sales were created.
func (g *generator) sales(ctx context.Context, tx pgx.Tx, log *slog.Logger) error {
	if err := g.loadContractCounters(ctx, tx); err != nil {
		return err
	}
	rebuild, err := dropSalesIndexes(ctx, tx)
	if err != nil {
		return err
	}
	loc := g.o.Loc
	now := g.o.Now.In(loc)
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	first := thisMonth.AddDate(0, -(g.o.Months - 1), 0)
	perMonth := g.monthVolumes(first, now)
	for m, n := range perMonth {
		start := first.AddDate(0, m, 0)
		end := start.AddDate(0, 1, 0)
		if end.After(now) {
			end = now
		}
		batch := make([]saleRow, n)
		for i := range batch {
			g.sale(&batch[i], start, end, now)
		}
		slices.SortFunc(batch, func(a, b saleRow) int { return a.createdAt.Compare(b.createdAt) })
		g.numberContracts(batch)
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"sales"}, saleColumns, &saleSource{rows: batch, i: -1}); err != nil {
			return fmt.Errorf("copy synthetic sales of %s: %w", start.Format("2006-01"), err)
		}
		log.Debug("synthetic sales month loaded", "month", start.Format("2006-01"), "sales", n)
	}
	if err := rebuild(); err != nil {
		return err
	}
	return g.saveContractCounters(ctx, tx)
}

// dropSalesIndexes drops the secondary indexes of sales (those no constraint needs) and
// returns the function that builds them again. Building an index once over a million rows is
// several times faster than updating a dozen indexes row by row, so the seed takes about a
// minute instead of two. It all happens in the seed's transaction: the indexes are back, or
// nothing happened, though the table is locked until it commits.
func dropSalesIndexes(ctx context.Context, tx pgx.Tx) (rebuild func() error, err error) {
	rows, err := tx.Query(ctx, `SELECT i.indexname, i.indexdef FROM pg_indexes i
	                             WHERE i.schemaname = current_schema() AND i.tablename = 'sales'
	                               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
	                             ORDER BY i.indexname`)
	if err != nil {
		return nil, fmt.Errorf("sales indexes: %w", err)
	}
	type index struct{ name, def string }
	indexes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (index, error) {
		var i index
		return i, r.Scan(&i.name, &i.def)
	})
	if err != nil {
		return nil, fmt.Errorf("sales indexes: %w", err)
	}
	for _, i := range indexes {
		if _, err := tx.Exec(ctx, "DROP INDEX "+pgx.Identifier{i.name}.Sanitize()); err != nil {
			return nil, fmt.Errorf("drop index %s: %w", i.name, err)
		}
	}
	return func() error {
		if _, err := tx.Exec(ctx, "SET LOCAL maintenance_work_mem = '256MB'"); err != nil {
			return err
		}
		for _, i := range indexes {
			if _, err := tx.Exec(ctx, i.def); err != nil {
				return fmt.Errorf("rebuild index %s: %w", i.name, err)
			}
		}
		return nil
	}, nil
}

// monthVolumes spreads the sales over the months with 3% growth a month and the market's
// seasons (a slow January, spring and autumn peaks, a December rush); the current month
// gets only the share of it that has passed.
func (g *generator) monthVolumes(first, now time.Time) []int {
	season := map[time.Month]float64{1: 0.65, 2: 0.85, 3: 1.1, 4: 1.15, 5: 1.05, 6: 1.0, 7: 0.95,
		8: 1.0, 9: 1.1, 10: 1.15, 11: 1.05, 12: 1.25}
	w := make([]float64, g.o.Months)
	total := 0.0
	for m := range w {
		start := first.AddDate(0, m, 0)
		w[m] = math.Pow(1.03, float64(m)) * season[start.Month()]
		if end := start.AddDate(0, 1, 0); end.After(now) {
			w[m] *= float64(now.Sub(start)) / float64(end.Sub(start))
		}
		total += w[m]
	}
	out := make([]int, len(w))
	left := g.o.Sales
	for m := range w {
		out[m] = int(float64(g.o.Sales) * w[m] / total)
		left -= out[m]
	}
	out[len(out)-1] += left // rounding leftovers go to the last month
	return out
}

// saleRow is one generated sale, in saleColumns order where it matters.
type saleRow struct {
	id                                                uuid.UUID
	status                                            warranty.SaleStatus
	hasContract                                       bool
	contract                                          *string
	partnerID, salonID, sellerID                      int64
	city, vin, make, model, category                  string
	year, mileage, power                              int32
	customer, phone, email, tariff                    string
	term                                              int32
	gross, discountBP, discount, price, commission    int64
	upsell                                            int64
	month, createdAt, updatedAt                       time.Time
	submitted, approved, activated, closed, cancelled *time.Time
}

var (
	tariffCodes   = []string{"basic", "optimal", "premium"}
	tariffCum     = []float64{45, 80, 100}
	termMonths    = []int32{12, 24, 36}
	termCum       = []float64{40, 75, 100}
	basePrices    = map[string][3]int64{"basic": {24_900_00, 39_900_00, 52_900_00}, "optimal": {34_900_00, 56_900_00, 74_900_00}, "premium": {47_900_00, 74_900_00, 98_900_00}}
	categories    = []string{"used", "new", "parallel_import"}
	categoryCum   = []float64{60, 90, 100}
	upsellChoices = []int64{2_900_00, 4_900_00, 7_900_00}
)

// sale draws one sale created between start and end, and walks it through the funnel as far
// as now allows.
func (g *generator) sale(r *saleRow, start, end, now time.Time) {
	salon := g.salons[g.pick(g.salonCum)]
	partner := g.partners[salon.partner]
	r.id = g.uuid()
	r.partnerID, r.salonID, r.sellerID = salon.partnerID, salon.id, partner.dealerID
	r.city = syntheticCities[salon.city].name
	r.createdAt = g.workingMoment(start, end)
	r.month = time.Date(r.createdAt.Year(), r.createdAt.Month(), 1, 0, 0, 0, 0, time.UTC)
	g.vehicle(r)
	g.customer(r)
	g.price(r, partner)
	g.funnel(r, partner, now)
}

// uuid draws a version-4 UUID from the seeded source, so a rerun gives the same ids.
func (g *generator) uuid() uuid.UUID {
	var u uuid.UUID
	for i := 0; i < 16; i += 8 {
		v := g.rnd.Uint64()
		for j := range 8 {
			u[i+j] = byte(v >> (8 * j))
		}
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

// workingMoment is a moment between start and end in a salon's working hours (9:00-21:00).
func (g *generator) workingMoment(start, end time.Time) time.Time {
	for {
		t := start.Add(time.Duration(g.rnd.Int64N(int64(end.Sub(start)))))
		if h := t.Hour(); h >= 9 && h < 21 || end.Sub(start) < 24*time.Hour {
			return t.Truncate(time.Second)
		}
	}
}

func (g *generator) vehicle(r *saleRow) {
	m := syntheticMakes[g.pick(g.makeCum)]
	r.make, r.model = m.make, g.one(m.models)
	r.category = categories[g.pick(categoryCum)]
	age := int32(g.rnd.IntN(9))
	if r.category == "new" {
		age = 0
	}
	r.year = int32(r.createdAt.Year()) - age
	r.mileage = age*int32(8_000+g.rnd.IntN(12_000)) + int32(g.rnd.IntN(300))
	r.power = int32(90 + g.rnd.IntN(220))
	const vinAlphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
	vin := make([]byte, warranty.VINLength)
	for i := range vin {
		vin[i] = vinAlphabet[g.rnd.IntN(len(vinAlphabet))]
	}
	r.vin = string(vin)
}

func (g *generator) customer(r *saleRow) {
	r.customer = g.personName()
	r.phone = fmt.Sprintf("+79%09d", g.rnd.IntN(1_000_000_000))
	r.email = fmt.Sprintf("client%d@mail.test", g.rnd.IntN(100_000_000))
}

// price rates the sale the way the tariffs do in spirit: the plan's base price for the term
// times a vehicle coefficient, an occasional discount, the partner's commission on the price.
func (g *generator) price(r *saleRow, p synthPartner) {
	r.tariff = tariffCodes[g.pick(tariffCum)]
	if r.tariff == "premium" && r.category == "parallel_import" { // premium refuses parallel imports
		r.category = "used"
	}
	ti := g.pick(termCum)
	r.term = termMonths[ti]
	coef := 9000 + int64(g.rnd.IntN(9000)) // 0.9…1.8
	r.gross = int64(warranty.RoundToRoubles(warranty.PercentOf(warranty.Kopecks(basePrices[r.tariff][ti]), coef)))
	switch x := g.rnd.IntN(10); {
	case x < 7:
		r.discountBP = 0
	case x < 9:
		r.discountBP = 500
	default:
		r.discountBP = 1000
	}
	r.discount = int64(warranty.PercentOf(warranty.Kopecks(r.gross), r.discountBP))
	r.price = int64(warranty.RoundToRoubles(warranty.Kopecks(r.gross - r.discount)))
	r.commission = int64(warranty.PercentOf(warranty.Kopecks(r.price), p.commissionBP))
}

// funnel decides how far the sale went: abandoned drafts expire after a week, a few sales
// are rejected by a manager or cancelled before payment, the rest are paid (at once by card,
// within two weeks by invoice) and close when their month ends.
func (g *generator) funnel(r *saleRow, p synthPartner, now time.Time) {
	at := func(t time.Time) *time.Time { return &t }
	later := func(t time.Time, lo, hi time.Duration) time.Time {
		return t.Add(lo + time.Duration(g.rnd.Int64N(int64(hi-lo)))).Truncate(time.Second)
	}
	r.status, r.updatedAt = warranty.StatusDraft, r.createdAt
	x := g.rnd.Float64()
	if x < 0.12 { // abandoned in the wizard
		if expires := r.createdAt.Add(7 * 24 * time.Hour); !expires.After(now) {
			r.status, r.updatedAt = warranty.StatusExpired, expires
		}
		return
	}
	submitted := later(r.createdAt, 5*time.Minute, 40*time.Minute)
	if submitted.After(now) {
		return
	}
	r.submitted, r.status, r.updatedAt = at(submitted), warranty.StatusAwaitingPayment, submitted
	r.hasContract = true
	next := submitted
	if g.rnd.Float64() < 0.08 { // flagged: a manager decides
		decided := later(submitted, 30*time.Minute, 26*time.Hour)
		if decided.After(now) {
			r.status, r.hasContract = warranty.StatusPendingApproval, false
			return
		}
		if x < 0.14 {
			r.status, r.updatedAt, r.hasContract = warranty.StatusRejected, decided, false
			return
		}
		r.approved, r.updatedAt, next = at(decided), decided, decided
	}
	if x < 0.17 { // cancelled before payment
		if c := later(next, time.Hour, 5*24*time.Hour); !c.After(now) {
			r.cancelled, r.status, r.updatedAt = at(c), warranty.StatusCancelled, c
		}
		return
	}
	paid := later(next, time.Minute, time.Hour)
	if p.invoice {
		paid = later(next, 6*time.Hour, 14*24*time.Hour)
	}
	if paid.After(now) {
		return
	}
	r.activated, r.status, r.updatedAt = at(paid), warranty.StatusActive, paid
	if g.rnd.IntN(100) < 8 {
		r.upsell = upsellChoices[g.rnd.IntN(len(upsellChoices))]
	}
	closes := warranty.UpsellWindowCloses(paid, g.o.Loc)
	if !closes.After(now) {
		r.closed, r.status, r.updatedAt = at(closes), warranty.StatusClosed, closes
	}
}

func (g *generator) loadContractCounters(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, "SELECT year, last_seq FROM contract_counters")
	if err != nil {
		return fmt.Errorf("contract counters: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var year int32
		var seq int64
		if err := rows.Scan(&year, &seq); err != nil {
			return err
		}
		g.contractSeq[int(year)] = seq
	}
	return rows.Err()
}

// numberContracts gives the sales that got a contract their number, in creation order, so
// the synthetic numbers continue the real sequence without a gap or a clash.
func (g *generator) numberContracts(batch []saleRow) {
	for i := range batch {
		r := &batch[i]
		if !r.hasContract {
			continue
		}
		year := r.submitted.In(g.o.Loc).Year()
		g.contractSeq[year]++
		n := warranty.FormatContractNumber(year, g.contractSeq[year])
		r.contract = &n
	}
}

// saveContractCounters moves the counters past the synthetic numbers, so that the next real
// contract does not take a number a synthetic sale holds.
func (g *generator) saveContractCounters(ctx context.Context, tx pgx.Tx) error {
	for year, seq := range g.contractSeq {
		if _, err := tx.Exec(ctx, `INSERT INTO contract_counters (year, last_seq) VALUES ($1, $2)
		                           ON CONFLICT (year) DO UPDATE SET last_seq = GREATEST(contract_counters.last_seq, EXCLUDED.last_seq)`,
			year, seq); err != nil {
			return fmt.Errorf("contract counter %d: %w", year, err)
		}
	}
	return nil
}

// saleSource feeds one month of generated sales to COPY without building [][]any.
type saleSource struct {
	rows []saleRow
	i    int
}

func (s *saleSource) Next() bool { s.i++; return s.i < len(s.rows) }
func (s *saleSource) Err() error { return nil }
func (s *saleSource) Values() ([]any, error) {
	r := &s.rows[s.i]
	return []any{r.id, "sale-" + r.id.String(), int64(1), string(r.status), r.contract, r.partnerID, r.salonID,
		r.sellerID, r.city, r.vin, r.make, r.model, r.year, r.mileage, r.power, r.category,
		r.customer, r.phone, r.email, r.tariff, r.term, r.gross,
		int32(r.discountBP), r.discount, r.price, r.commission, r.upsell, r.month,
		r.createdAt, r.updatedAt, r.submitted, r.approved, r.activated, r.closed, r.cancelled}, nil
}
