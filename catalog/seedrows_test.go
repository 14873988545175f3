package catalog_test

// seedRow is one requirement expected from a seed document, written by reading
// the document (not generated from the catalog). One entry per table row and
// protocol column, plus the port facts stated in prose.
type seedRow struct {
	Service string // windows-azure, azure-sphere, office365, configmgr, cassandra-mi
	Section string // heading verbatim, as in the document (arrow spacing kept)
	Row     string // the row's label (Description column) verbatim; "" for prose facts
	From    string // role id
	To      string // role id
	Hosts   string // host patterns, space-separated, in document order; "" when none
	Proto   string // tcp, udp, icmp
	Ports   string // "80,443", "63000-64000", "67,68"; "" when none (dynamic or icmp)
	Dynamic bool
	Flags   string // space-separated, sorted alphabetically: from bidirectional configurable doubtful internal-only not-required optional proxy alternative fallback
	Alt     string // alternative ports ("8530"), "" when none
}

var seedRows = []seedRow{
	// ===================================================================
	// 000_426a39cee280154b.txt (Windows Azure): French table, lines 6-38.
	// ===================================================================

	// 000 line 6: Tableaux des ports utilisés par Windows Azure (rows at lines 11-38)
	{Service: "windows-azure", Section: "Tableaux des ports utilisés par Windows Azure", Row: "Console d'administration Azure", From: "internal", To: "windows-azure/azure", Proto: "tcp", Ports: "80,443"},
	{Service: "windows-azure", Section: "Tableaux des ports utilisés par Windows Azure", Row: "API de management Azure", From: "internal", To: "windows-azure/azure", Hosts: "management.core.windows.net", Proto: "tcp", Ports: "443"},
	{Service: "windows-azure", Section: "Tableaux des ports utilisés par Windows Azure", Row: "Azure Storage", From: "internal", To: "windows-azure/azure", Hosts: "<storage account>.blob.core.windows.net", Proto: "tcp", Ports: "80,443"},
	{Service: "windows-azure", Section: "Tableaux des ports utilisés par Windows Azure", Row: "SQL Azure", From: "internal", To: "windows-azure/azure", Hosts: "<server name>.database.windows.net", Proto: "tcp", Ports: "1433"},
	{Service: "windows-azure", Section: "Tableaux des ports utilisés par Windows Azure", Row: "Remote Desktop", From: "internal", To: "windows-azure/azure", Proto: "tcp", Ports: "3389"},
	// line 30: "TCP pour Windows 7, UDP pour windows XP" while the Protocole column says TCP only.
	{Service: "windows-azure", Section: "Tableaux des ports utilisés par Windows Azure", Row: "Remote Desktop", From: "internal", To: "windows-azure/azure", Proto: "udp", Ports: "3389", Flags: "doubtful"},
	{Service: "windows-azure", Section: "Tableaux des ports utilisés par Windows Azure", Row: "Windows Azure Connect", From: "internal", To: "windows-azure/azure", Proto: "tcp", Ports: "443"},
	{Service: "windows-azure", Section: "Tableaux des ports utilisés par Windows Azure", Row: "AppFabric Service Bus", From: "internal", To: "windows-azure/azure", Proto: "tcp", Ports: "808,818,819,828"},
	// line 38: "Si pas de possibilité d'ouvrir ces ports, Service Bus utilisera les ports TCP 80,443"
	{Service: "windows-azure", Section: "Tableaux des ports utilisés par Windows Azure", Row: "AppFabric Service Bus", From: "internal", To: "windows-azure/azure", Proto: "tcp", Ports: "80,443", Flags: "fallback"},

	// ===================================================================
	// 001_4ba8955f7a997bcc.txt (Azure Sphere)
	// ===================================================================

	// 001 line 1 (title), table lines 8-16; proxy prose line 20 -> proxy on the TCP rows.
	{Service: "azure-sphere", Section: "Exigences réseau du système d’exploitation Azure Sphere", Row: "MQTT sur TCP", From: "azure-sphere/device", To: "internet", Hosts: "global.azure-devices-provisioning.net", Proto: "tcp", Ports: "8883", Flags: "proxy"},
	{Service: "azure-sphere", Section: "Exigences réseau du système d’exploitation Azure Sphere", Row: "MQTT sur TCP", From: "azure-sphere/device", To: "internet", Hosts: "global.azure-devices-provisioning.net", Proto: "tcp", Ports: "443", Flags: "proxy"},
	{Service: "azure-sphere", Section: "Exigences réseau du système d’exploitation Azure Sphere", Row: "HTTP sur TCP", From: "azure-sphere/device", To: "internet", Hosts: "www.msftconnecttest.com prod.update.sphere.azure.net", Proto: "tcp", Ports: "80", Flags: "proxy"},
	{Service: "azure-sphere", Section: "Exigences réseau du système d’exploitation Azure Sphere", Row: "HTTPS sur TCP", From: "azure-sphere/device", To: "internet", Hosts: "anse.azurewatson.microsoft.com prod.device.core.sphere.azure.net prod.deviceauth.sphere.azure.net prod.dinsights.core.sphere.azure.net prod.releases.sphere.azure.net prod.core.sphere.azure.net prodmsimg.blob.core.windows.net prodptimg.blob.core.windows.net prodmsimg-secondary.blob.core.windows.net prodptimg-secondary.blob.core.windows.net sphereblobeus.azurewatson.microsoft.com sphereblobweus.azurewatson.microsoft.com sphere.sb.dl.delivery.mp.microsoft.com", Proto: "tcp", Ports: "443", Flags: "proxy"},
	// line 15: the address column holds the purpose text ("Communication avec les serveurs de noms de domaine (DNS)").
	{Service: "azure-sphere", Section: "Exigences réseau du système d’exploitation Azure Sphere", Row: "UDP", From: "azure-sphere/device", To: "azure-sphere/dns-server", Proto: "udp", Ports: "53", Flags: "doubtful"},
	// line 16 + remark line 18: NTP is an optional feature, another NTP server may be configured.
	{Service: "azure-sphere", Section: "Exigences réseau du système d’exploitation Azure Sphere", Row: "UDP", From: "azure-sphere/device", To: "internet", Hosts: "prod.time.sphere.azure.net time.sphere.azure.net time-a-g.nist.gov", Proto: "udp", Ports: "123", Flags: "configurable optional"},
	// line 19 prose: IoT Hub applications need 8883 and 443 to their hub.
	{Service: "azure-sphere", Section: "Exigences réseau du système d’exploitation Azure Sphere", Row: "", From: "azure-sphere/device", To: "azure-sphere/iot-hub", Proto: "tcp", Ports: "8883"},
	{Service: "azure-sphere", Section: "Exigences réseau du système d’exploitation Azure Sphere", Row: "", From: "azure-sphere/device", To: "azure-sphere/iot-hub", Proto: "tcp", Ports: "443"},

	// ===================================================================
	// 002_aa267fbc079180ea.txt (Office 365): prose only.
	// ===================================================================

	// 002 line 11: Der Überblick (lines 15 and 17: "über einen HTTP-Proxy oder NAT", "in den meisten Fällen 443")
	{Service: "office365", Section: "Der Überblick", Row: "", From: "internal", To: "office365/cloud", Proto: "tcp", Ports: "443", Flags: "proxy"},
	// line 17: "Lync versucht neben 443 natürlich auch High Ports (50.000-50059) und 3478/UDP"
	{Service: "office365", Section: "Der Überblick", Row: "", From: "internal", To: "office365/lync-online", Proto: "tcp", Ports: "443", Flags: "proxy"},
	{Service: "office365", Section: "Der Überblick", Row: "", From: "internal", To: "office365/lync-online", Proto: "tcp", Ports: "50000-50059", Flags: "doubtful"},
	{Service: "office365", Section: "Der Überblick", Row: "", From: "internal", To: "office365/lync-online", Proto: "udp", Ports: "50000-50059", Flags: "doubtful"},
	{Service: "office365", Section: "Der Überblick", Row: "", From: "internal", To: "office365/lync-online", Proto: "udp", Ports: "3478"},

	// ===================================================================
	// 003_e1193c574d545350.txt (System Center 2012 Configuration Manager)
	// ===================================================================

	// 003 line 21: Ports configurables (prose line 33: client to site system HTTP 80 / HTTPS 443 by default, changeable)
	{Service: "configmgr", Section: "Ports configurables", Row: "", From: "configmgr/client", To: "configmgr/site-system", Proto: "tcp", Ports: "80", Flags: "configurable"},
	{Service: "configmgr", Section: "Ports configurables", Row: "", From: "configmgr/client", To: "configmgr/site-system", Proto: "tcp", Ports: "443", Flags: "configurable"},

	// 003 line 46: Point de synchronisation Asset Intelligence -- > Microsoft
	{Service: "configmgr", Section: "Point de synchronisation Asset Intelligence -- > Microsoft", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/asset-intelligence-synchronization-point", To: "configmgr/microsoft", Proto: "tcp", Ports: "443"},

	// 003 line 54: Point de synchronisation Asset Intelligence --> SQL Server
	{Service: "configmgr", Section: "Point de synchronisation Asset Intelligence --> SQL Server", Row: "SQL sur TCP", From: "configmgr/asset-intelligence-synchronization-point", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},

	// 003 line 62: Point de service Web du catalogue des applications -- SQL Server (no ">" in the heading)
	{Service: "configmgr", Section: "Point de service Web du catalogue des applications -- SQL Server", Row: "SQL sur TCP", From: "configmgr/application-catalog-web-service-point", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable doubtful"},

	// 003 line 70: Point du site Web du catalogue des applications -- > Point de service Web du catalogue des applications
	{Service: "configmgr", Section: "Point du site Web du catalogue des applications -- > Point de service Web du catalogue des applications", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/application-catalog-website-point", To: "configmgr/application-catalog-web-service-point", Proto: "tcp", Ports: "80", Flags: "configurable"},
	{Service: "configmgr", Section: "Point du site Web du catalogue des applications -- > Point de service Web du catalogue des applications", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/application-catalog-website-point", To: "configmgr/application-catalog-web-service-point", Proto: "tcp", Ports: "443", Flags: "configurable"},

	// 003 line 81: Client -- > Point du site Web du catalogue des applications
	{Service: "configmgr", Section: "Client -- > Point du site Web du catalogue des applications", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/client", To: "configmgr/application-catalog-website-point", Proto: "tcp", Ports: "80", Flags: "configurable"},
	{Service: "configmgr", Section: "Client -- > Point du site Web du catalogue des applications", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/client", To: "configmgr/application-catalog-website-point", Proto: "tcp", Ports: "443", Flags: "configurable"},

	// 003 line 92: Client -- > Client (prose line 93: ICMP echo of the wake-up proxy)
	{Service: "configmgr", Section: "Client -- > Client", Row: "", From: "configmgr/client", To: "configmgr/client", Proto: "icmp"},
	{Service: "configmgr", Section: "Client -- > Client", Row: "Éveil par appel réseau", From: "configmgr/client", To: "configmgr/client", Proto: "udp", Ports: "9", Flags: "configurable"},
	{Service: "configmgr", Section: "Client -- > Client", Row: "Proxy de mise en éveil", From: "configmgr/client", To: "configmgr/client", Proto: "udp", Ports: "25536", Flags: "configurable"},

	// 003 line 104: Client --> Module de stratégie de Configuration Manager (service d'inscription d'appareils réseau)
	// HTTP 80 sits in the UDP column (line 110), TCP cell empty.
	{Service: "configmgr", Section: "Client --> Module de stratégie de Configuration Manager (service d'inscription d'appareils réseau)", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/client", To: "configmgr/policy-module", Proto: "udp", Ports: "80", Flags: "doubtful"},
	{Service: "configmgr", Section: "Client --> Module de stratégie de Configuration Manager (service d'inscription d'appareils réseau)", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/client", To: "configmgr/policy-module", Proto: "tcp", Ports: "443"},

	// 003 line 115: Client -- > Point de distribution cloud
	{Service: "configmgr", Section: "Client -- > Point de distribution cloud", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/client", To: "configmgr/cloud-distribution-point", Proto: "tcp", Ports: "443"},

	// 003 line 123: Client -- > Point de distribution
	{Service: "configmgr", Section: "Client -- > Point de distribution", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/client", To: "configmgr/distribution-point", Proto: "tcp", Ports: "80", Flags: "configurable"},
	{Service: "configmgr", Section: "Client -- > Point de distribution", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/client", To: "configmgr/distribution-point", Proto: "tcp", Ports: "443", Flags: "configurable"},

	// 003 line 134: Client -- > Point de distribution configuré pour la multidiffusion
	{Service: "configmgr", Section: "Client -- > Point de distribution configuré pour la multidiffusion", Row: "SMB (Server Message Block)", From: "configmgr/client", To: "configmgr/distribution-point", Proto: "tcp", Ports: "445"},
	{Service: "configmgr", Section: "Client -- > Point de distribution configuré pour la multidiffusion", Row: "Protocole de multidiffusion", From: "configmgr/client", To: "configmgr/distribution-point", Proto: "udp", Ports: "63000-64000"},

	// 003 line 145: Client -- > Point de distribution configuré pour PXE (+ remarque 4, line 803: TFTP replies from a dynamic high port)
	{Service: "configmgr", Section: "Client -- > Point de distribution configuré pour PXE", Row: "DHCP (Dynamic Host Configuration Protocol)", From: "configmgr/client", To: "configmgr/distribution-point", Proto: "udp", Ports: "67,68"},
	{Service: "configmgr", Section: "Client -- > Point de distribution configuré pour PXE", Row: "TFTP (Trivial File Transfer Protocol)", From: "configmgr/client", To: "configmgr/distribution-point", Proto: "udp", Ports: "69"},
	{Service: "configmgr", Section: "Client -- > Point de distribution configuré pour PXE", Row: "BINL (Boot Information Negotiation Layer)", From: "configmgr/client", To: "configmgr/distribution-point", Proto: "udp", Ports: "4011"},
	{Service: "configmgr", Section: "Client -- > Point de distribution configuré pour PXE", Row: "", From: "configmgr/distribution-point", To: "configmgr/client", Proto: "udp", Dynamic: true},

	// 003 line 159: Client -- > Point d'état de secours
	{Service: "configmgr", Section: "Client -- > Point d'état de secours", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/client", To: "configmgr/fallback-status-point", Proto: "tcp", Ports: "80", Flags: "configurable"},

	// 003 line 167: Client -- > Contrôleur de domaine de catalogue global
	{Service: "configmgr", Section: "Client -- > Contrôleur de domaine de catalogue global", Row: "LDAP de catalogue global", From: "configmgr/client", To: "configmgr/global-catalog", Proto: "tcp", Ports: "3268"},
	{Service: "configmgr", Section: "Client -- > Contrôleur de domaine de catalogue global", Row: "SSL LDAP de catalogue global", From: "configmgr/client", To: "configmgr/global-catalog", Proto: "tcp", Ports: "3269"},

	// 003 line 179: Client -- > Point de gestion
	{Service: "configmgr", Section: "Client -- > Point de gestion", Row: "Notification du client (communication par défaut avant le basculement en HTTP ou HTTPS)", From: "configmgr/client", To: "configmgr/management-point", Proto: "tcp", Ports: "10123", Flags: "configurable"},
	{Service: "configmgr", Section: "Client -- > Point de gestion", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/client", To: "configmgr/management-point", Proto: "tcp", Ports: "80", Flags: "configurable"},
	{Service: "configmgr", Section: "Client -- > Point de gestion", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/client", To: "configmgr/management-point", Proto: "tcp", Ports: "443", Flags: "configurable"},

	// 003 line 193: Client -- > Point de mise à jour logicielle
	{Service: "configmgr", Section: "Client -- > Point de mise à jour logicielle", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/client", To: "configmgr/software-update-point", Proto: "tcp", Ports: "80", Flags: "alternative configurable", Alt: "8530"},
	{Service: "configmgr", Section: "Client -- > Point de mise à jour logicielle", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/client", To: "configmgr/software-update-point", Proto: "tcp", Ports: "443", Flags: "alternative configurable", Alt: "8531"},

	// 003 line 204: Client -- > Point de migration de l'état
	{Service: "configmgr", Section: "Client -- > Point de migration de l'état", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/client", To: "configmgr/state-migration-point", Proto: "tcp", Ports: "80", Flags: "configurable"},
	{Service: "configmgr", Section: "Client -- > Point de migration de l'état", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/client", To: "configmgr/state-migration-point", Proto: "tcp", Ports: "443", Flags: "configurable"},
	{Service: "configmgr", Section: "Client -- > Point de migration de l'état", Row: "SMB (Server Message Block)", From: "configmgr/client", To: "configmgr/state-migration-point", Proto: "tcp", Ports: "445"},

	// 003 line 218: Client -- > Programme de validation d'intégrité système (prose line 219, NAP examples)
	{Service: "configmgr", Section: "Client -- > Programme de validation d'intégrité système", Row: "", From: "configmgr/client", To: "internal", Proto: "udp", Ports: "67,68"},
	// "les ports TCP 500 ou 443 pour accéder à l'autorité d'inscription d'intégrité": read as "80 ou 8530"; TCP 500 looks wrong (IKE is UDP 500).
	{Service: "configmgr", Section: "Client -- > Programme de validation d'intégrité système", Row: "", From: "configmgr/client", To: "configmgr/health-registration-authority", Proto: "tcp", Ports: "500", Flags: "alternative doubtful", Alt: "443"},
	{Service: "configmgr", Section: "Client -- > Programme de validation d'intégrité système", Row: "", From: "configmgr/client", To: "internal", Proto: "udp", Ports: "500"},

	// 003 line 220: Console Configuration Manager -- > Client
	{Service: "configmgr", Section: "Console Configuration Manager -- > Client", Row: "Contrôle à distance (contrôle)", From: "configmgr/console", To: "configmgr/client", Proto: "tcp", Ports: "2701"},
	{Service: "configmgr", Section: "Console Configuration Manager -- > Client", Row: "Assistance à distance (RDP et RTC)", From: "configmgr/console", To: "configmgr/client", Proto: "tcp", Ports: "3389"},

	// 003 line 231: Console Configuration Manager --> Internet
	{Service: "configmgr", Section: "Console Configuration Manager --> Internet", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/console", To: "internet", Proto: "tcp", Ports: "80"},

	// 003 line 239: Console Configuration Manager -- > Point Reporting Services
	{Service: "configmgr", Section: "Console Configuration Manager -- > Point Reporting Services", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/console", To: "configmgr/reporting-services-point", Proto: "tcp", Ports: "80", Flags: "configurable"},
	{Service: "configmgr", Section: "Console Configuration Manager -- > Point Reporting Services", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/console", To: "configmgr/reporting-services-point", Proto: "tcp", Ports: "443", Flags: "configurable"},

	// 003 line 249: Console Configuration Manager -- > Serveur de site
	{Service: "configmgr", Section: "Console Configuration Manager -- > Serveur de site", Row: "RPC (connexion initiale à WMI pour localiser le système fournisseur)", From: "configmgr/console", To: "configmgr/site-server", Proto: "tcp", Ports: "135"},

	// 003 line 257: Console Configuration Manager --> Fournisseur SMS
	{Service: "configmgr", Section: "Console Configuration Manager --> Fournisseur SMS", Row: "Mappeur de point de terminaison RPC", From: "configmgr/console", To: "configmgr/sms-provider", Proto: "udp", Ports: "135"},
	{Service: "configmgr", Section: "Console Configuration Manager --> Fournisseur SMS", Row: "Mappeur de point de terminaison RPC", From: "configmgr/console", To: "configmgr/sms-provider", Proto: "tcp", Ports: "135"},
	{Service: "configmgr", Section: "Console Configuration Manager --> Fournisseur SMS", Row: "RPC", From: "configmgr/console", To: "configmgr/sms-provider", Proto: "tcp", Dynamic: true},

	// 003 line 268: Module de stratégie de Configuration Manager (service d'inscription d'appareils réseau)--> Point d'enregistrement de certificat
	{Service: "configmgr", Section: "Module de stratégie de Configuration Manager (service d'inscription d'appareils réseau)--> Point d'enregistrement de certificat", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/policy-module", To: "configmgr/certificate-registration-point", Proto: "tcp", Ports: "443", Flags: "configurable"},

	// 003 line 276: Point de distribution --> Point de gestion
	{Service: "configmgr", Section: "Point de distribution --> Point de gestion", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/distribution-point", To: "configmgr/management-point", Proto: "tcp", Ports: "80", Flags: "configurable"},
	{Service: "configmgr", Section: "Point de distribution --> Point de gestion", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/distribution-point", To: "configmgr/management-point", Proto: "tcp", Ports: "443", Flags: "configurable"},

	// 003 line 292: Point Endpoint Protection -- > Internet
	{Service: "configmgr", Section: "Point Endpoint Protection -- > Internet", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/endpoint-protection-point", To: "internet", Proto: "tcp", Ports: "80"},

	// 003 line 300: Point de protection de point de terminaison --> SQL Server
	{Service: "configmgr", Section: "Point de protection de point de terminaison --> SQL Server", Row: "SQL sur TCP", From: "configmgr/endpoint-protection-point", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},

	// 003 line 308: Point proxy d'inscription -- > Point d'inscription
	{Service: "configmgr", Section: "Point proxy d'inscription -- > Point d'inscription", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/enrollment-proxy-point", To: "configmgr/enrollment-point", Proto: "tcp", Ports: "443", Flags: "configurable"},

	// 003 line 316: Point d'inscription -- > SQL Server
	{Service: "configmgr", Section: "Point d'inscription -- > SQL Server", Row: "SQL sur TCP", From: "configmgr/enrollment-point", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},

	// 003 line 324: Connecteur du serveur Exchange Server -- > Exchange Online
	{Service: "configmgr", Section: "Connecteur du serveur Exchange Server -- > Exchange Online", Row: "Gestion à distance de Windows via HTTPS", From: "configmgr/exchange-server-connector", To: "configmgr/exchange-online", Proto: "tcp", Ports: "5986"},

	// 003 line 332: Connecteur du serveur Exchange Server -- > Serveur Exchange Server sur site
	{Service: "configmgr", Section: "Connecteur du serveur Exchange Server -- > Serveur Exchange Server sur site", Row: "Gestion à distance de Windows via HTTP", From: "configmgr/exchange-server-connector", To: "configmgr/exchange-server", Proto: "tcp", Ports: "5985"},

	// 003 line 340: Ordinateur Mac -- > Point proxy d'inscription
	{Service: "configmgr", Section: "Ordinateur Mac -- > Point proxy d'inscription", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/mac-computer", To: "configmgr/enrollment-proxy-point", Proto: "tcp", Ports: "443"},

	// 003 line 348: Point de gestion -- > Contrôleur de domaine
	{Service: "configmgr", Section: "Point de gestion -- > Contrôleur de domaine", Row: "LDAP (Lightweight Directory Access Protocol)", From: "configmgr/management-point", To: "configmgr/domain-controller", Proto: "tcp", Ports: "389"},
	{Service: "configmgr", Section: "Point de gestion -- > Contrôleur de domaine", Row: "LDAP (connexion SSL [Secure Sockets Layer])", From: "configmgr/management-point", To: "configmgr/domain-controller", Proto: "udp", Ports: "636", Flags: "doubtful"},
	{Service: "configmgr", Section: "Point de gestion -- > Contrôleur de domaine", Row: "LDAP (connexion SSL [Secure Sockets Layer])", From: "configmgr/management-point", To: "configmgr/domain-controller", Proto: "tcp", Ports: "636"},
	{Service: "configmgr", Section: "Point de gestion -- > Contrôleur de domaine", Row: "LDAP de catalogue global", From: "configmgr/management-point", To: "configmgr/domain-controller", Proto: "tcp", Ports: "3268"},
	{Service: "configmgr", Section: "Point de gestion -- > Contrôleur de domaine", Row: "SSL LDAP de catalogue global", From: "configmgr/management-point", To: "configmgr/domain-controller", Proto: "tcp", Ports: "3269"},
	{Service: "configmgr", Section: "Point de gestion -- > Contrôleur de domaine", Row: "Mappeur de point de terminaison RPC", From: "configmgr/management-point", To: "configmgr/domain-controller", Proto: "udp", Ports: "135"},
	{Service: "configmgr", Section: "Point de gestion -- > Contrôleur de domaine", Row: "Mappeur de point de terminaison RPC", From: "configmgr/management-point", To: "configmgr/domain-controller", Proto: "tcp", Ports: "135"},
	{Service: "configmgr", Section: "Point de gestion -- > Contrôleur de domaine", Row: "RPC", From: "configmgr/management-point", To: "configmgr/domain-controller", Proto: "tcp", Dynamic: true},

	// 003 line 371: Point de gestion < -- > Serveur de site (UDP column of the RPC endpoint mapper is "--" here)
	{Service: "configmgr", Section: "Point de gestion < -- > Serveur de site", Row: "Mappeur de point de terminaison RPC", From: "configmgr/management-point", To: "configmgr/site-server", Proto: "tcp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Point de gestion < -- > Serveur de site", Row: "RPC", From: "configmgr/management-point", To: "configmgr/site-server", Proto: "tcp", Dynamic: true, Flags: "bidirectional"},
	{Service: "configmgr", Section: "Point de gestion < -- > Serveur de site", Row: "SMB (Server Message Block)", From: "configmgr/management-point", To: "configmgr/site-server", Proto: "tcp", Ports: "445", Flags: "bidirectional"},

	// 003 line 386: Point de gestion -- > SQL Server
	{Service: "configmgr", Section: "Point de gestion -- > SQL Server", Row: "SQL sur TCP", From: "configmgr/management-point", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},

	// 003 line 394: Appareil mobile -- > Point proxy d'inscription
	{Service: "configmgr", Section: "Appareil mobile -- > Point proxy d'inscription", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/mobile-device", To: "configmgr/enrollment-proxy-point", Proto: "tcp", Ports: "443"},

	// 003 line 402: Appareil mobile --> Microsoft Intune
	{Service: "configmgr", Section: "Appareil mobile --> Microsoft Intune", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/mobile-device", To: "configmgr/microsoft-intune", Proto: "tcp", Ports: "443"},

	// 003 line 410: Point de service hors bande --> Point d'inscription
	{Service: "configmgr", Section: "Point de service hors bande --> Point d'inscription", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/out-of-band-service-point", To: "configmgr/enrollment-point", Proto: "tcp", Ports: "443"},

	// 003 line 418: Point de service hors bande --> Contrôleur de gestion AMT
	{Service: "configmgr", Section: "Point de service hors bande --> Contrôleur de gestion AMT", Row: "Contrôle de l'alimentation, configuration et découverte", From: "configmgr/out-of-band-service-point", To: "configmgr/amt-management-controller", Proto: "tcp", Ports: "16993"},

	// 003 line 426: Console de gestion hors bande --> Contrôleur de gestion AMT
	{Service: "configmgr", Section: "Console de gestion hors bande --> Contrôleur de gestion AMT", Row: "Tâches de gestion générales", From: "configmgr/out-of-band-management-console", To: "configmgr/amt-management-controller", Proto: "tcp", Ports: "16993"},
	{Service: "configmgr", Section: "Console de gestion hors bande --> Contrôleur de gestion AMT", Row: "Redirection IDE et série sur réseau local", From: "configmgr/out-of-band-management-console", To: "configmgr/amt-management-controller", Proto: "tcp", Ports: "16995"},

	// 003 line 437: Point de Reporting Services -- > SQL Server
	{Service: "configmgr", Section: "Point de Reporting Services -- > SQL Server", Row: "SQL sur TCP", From: "configmgr/reporting-services-point", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},

	// 003 line 445: Serveur de site < -- > Point de service web du catalogue des applications
	{Service: "configmgr", Section: "Serveur de site < -- > Point de service web du catalogue des applications", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/application-catalog-web-service-point", Proto: "tcp", Ports: "445", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de service web du catalogue des applications", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/application-catalog-web-service-point", Proto: "udp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de service web du catalogue des applications", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/application-catalog-web-service-point", Proto: "tcp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de service web du catalogue des applications", Row: "RPC", From: "configmgr/site-server", To: "configmgr/application-catalog-web-service-point", Proto: "tcp", Dynamic: true, Flags: "bidirectional"},

	// 003 line 459: Serveur de site < -- > Point de site web du catalogue des applications
	{Service: "configmgr", Section: "Serveur de site < -- > Point de site web du catalogue des applications", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/application-catalog-website-point", Proto: "tcp", Ports: "445", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de site web du catalogue des applications", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/application-catalog-website-point", Proto: "udp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de site web du catalogue des applications", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/application-catalog-website-point", Proto: "tcp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de site web du catalogue des applications", Row: "RPC", From: "configmgr/site-server", To: "configmgr/application-catalog-website-point", Proto: "tcp", Dynamic: true, Flags: "bidirectional"},

	// 003 line 473: Serveur de site < -- > Point de synchronisation Asset Intelligence
	{Service: "configmgr", Section: "Serveur de site < -- > Point de synchronisation Asset Intelligence", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/asset-intelligence-synchronization-point", Proto: "tcp", Ports: "445", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de synchronisation Asset Intelligence", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/asset-intelligence-synchronization-point", Proto: "udp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de synchronisation Asset Intelligence", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/asset-intelligence-synchronization-point", Proto: "tcp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de synchronisation Asset Intelligence", Row: "RPC", From: "configmgr/site-server", To: "configmgr/asset-intelligence-synchronization-point", Proto: "tcp", Dynamic: true, Flags: "bidirectional"},

	// 003 line 487: Serveur de site -- > Client
	{Service: "configmgr", Section: "Serveur de site -- > Client", Row: "Éveil par appel réseau", From: "configmgr/site-server", To: "configmgr/client", Proto: "udp", Ports: "9", Flags: "configurable"},

	// 003 line 495: Serveur de site -- > Point de distribution cloud
	{Service: "configmgr", Section: "Serveur de site -- > Point de distribution cloud", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/site-server", To: "configmgr/cloud-distribution-point", Proto: "tcp", Ports: "443"},

	// 003 line 503: Serveur de site -- > Point de distribution (remarque 5; one-way arrow kept, distribution points send no status)
	{Service: "configmgr", Section: "Serveur de site -- > Point de distribution", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/distribution-point", Proto: "tcp", Ports: "445"},
	{Service: "configmgr", Section: "Serveur de site -- > Point de distribution", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/distribution-point", Proto: "udp", Ports: "135"},
	{Service: "configmgr", Section: "Serveur de site -- > Point de distribution", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/distribution-point", Proto: "tcp", Ports: "135"},
	{Service: "configmgr", Section: "Serveur de site -- > Point de distribution", Row: "RPC", From: "configmgr/site-server", To: "configmgr/distribution-point", Proto: "tcp", Dynamic: true},

	// 003 line 518: Serveur de site -- > Contrôleur de domaine
	{Service: "configmgr", Section: "Serveur de site -- > Contrôleur de domaine", Row: "LDAP (Lightweight Directory Access Protocol)", From: "configmgr/site-server", To: "configmgr/domain-controller", Proto: "tcp", Ports: "389"},
	{Service: "configmgr", Section: "Serveur de site -- > Contrôleur de domaine", Row: "LDAP (connexion SSL [Secure Sockets Layer])", From: "configmgr/site-server", To: "configmgr/domain-controller", Proto: "udp", Ports: "636", Flags: "doubtful"},
	{Service: "configmgr", Section: "Serveur de site -- > Contrôleur de domaine", Row: "LDAP (connexion SSL [Secure Sockets Layer])", From: "configmgr/site-server", To: "configmgr/domain-controller", Proto: "tcp", Ports: "636"},
	{Service: "configmgr", Section: "Serveur de site -- > Contrôleur de domaine", Row: "LDAP de catalogue global", From: "configmgr/site-server", To: "configmgr/domain-controller", Proto: "tcp", Ports: "3268"},
	{Service: "configmgr", Section: "Serveur de site -- > Contrôleur de domaine", Row: "SSL LDAP de catalogue global", From: "configmgr/site-server", To: "configmgr/domain-controller", Proto: "tcp", Ports: "3269"},
	{Service: "configmgr", Section: "Serveur de site -- > Contrôleur de domaine", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/domain-controller", Proto: "udp", Ports: "135"},
	{Service: "configmgr", Section: "Serveur de site -- > Contrôleur de domaine", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/domain-controller", Proto: "tcp", Ports: "135"},
	{Service: "configmgr", Section: "Serveur de site -- > Contrôleur de domaine", Row: "RPC", From: "configmgr/site-server", To: "configmgr/domain-controller", Proto: "tcp", Dynamic: true},

	// 003 line 541: Serveur de site < -- > Point d'enregistrement de certificat
	{Service: "configmgr", Section: "Serveur de site < -- > Point d'enregistrement de certificat", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/certificate-registration-point", Proto: "tcp", Ports: "445", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point d'enregistrement de certificat", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/certificate-registration-point", Proto: "udp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point d'enregistrement de certificat", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/certificate-registration-point", Proto: "tcp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point d'enregistrement de certificat", Row: "RPC", From: "configmgr/site-server", To: "configmgr/certificate-registration-point", Proto: "tcp", Dynamic: true, Flags: "bidirectional"},

	// 003 line 555: Serveur de site < -- > Point Endpoint Protection
	{Service: "configmgr", Section: "Serveur de site < -- > Point Endpoint Protection", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/endpoint-protection-point", Proto: "tcp", Ports: "445", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point Endpoint Protection", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/endpoint-protection-point", Proto: "udp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point Endpoint Protection", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/endpoint-protection-point", Proto: "tcp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point Endpoint Protection", Row: "RPC", From: "configmgr/site-server", To: "configmgr/endpoint-protection-point", Proto: "tcp", Dynamic: true, Flags: "bidirectional"},

	// 003 line 569: Serveur de site < -- > Point d'inscription
	{Service: "configmgr", Section: "Serveur de site < -- > Point d'inscription", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/enrollment-point", Proto: "tcp", Ports: "445", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point d'inscription", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/enrollment-point", Proto: "udp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point d'inscription", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/enrollment-point", Proto: "tcp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point d'inscription", Row: "RPC", From: "configmgr/site-server", To: "configmgr/enrollment-point", Proto: "tcp", Dynamic: true, Flags: "bidirectional"},

	// 003 line 583: Serveur de site < -- > Point proxy d'inscription
	{Service: "configmgr", Section: "Serveur de site < -- > Point proxy d'inscription", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/enrollment-proxy-point", Proto: "tcp", Ports: "445", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point proxy d'inscription", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/enrollment-proxy-point", Proto: "udp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point proxy d'inscription", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/enrollment-proxy-point", Proto: "tcp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point proxy d'inscription", Row: "RPC", From: "configmgr/site-server", To: "configmgr/enrollment-proxy-point", Proto: "tcp", Dynamic: true, Flags: "bidirectional"},

	// 003 line 597: Serveur de site < -- > Point d'état de secours
	{Service: "configmgr", Section: "Serveur de site < -- > Point d'état de secours", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/fallback-status-point", Proto: "tcp", Ports: "445", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point d'état de secours", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/fallback-status-point", Proto: "udp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point d'état de secours", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/fallback-status-point", Proto: "tcp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point d'état de secours", Row: "RPC", From: "configmgr/site-server", To: "configmgr/fallback-status-point", Proto: "tcp", Dynamic: true, Flags: "bidirectional"},

	// 003 line 612: Serveur de site -- > Internet
	{Service: "configmgr", Section: "Serveur de site -- > Internet", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/site-server", To: "internet", Proto: "tcp", Ports: "80", Flags: "proxy"},

	// 003 line 620: Serveur de site < -- > Autorité de Certification (CA) émettrice
	{Service: "configmgr", Section: "Serveur de site < -- > Autorité de Certification (CA) émettrice", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/issuing-ca", Proto: "udp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Autorité de Certification (CA) émettrice", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/issuing-ca", Proto: "tcp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Autorité de Certification (CA) émettrice", Row: "RPC (DCOM)", From: "configmgr/site-server", To: "configmgr/issuing-ca", Proto: "tcp", Dynamic: true, Flags: "bidirectional"},

	// 003 line 632: Serveur de site < -- > Point de Reporting Services
	{Service: "configmgr", Section: "Serveur de site < -- > Point de Reporting Services", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/reporting-services-point", Proto: "tcp", Ports: "445", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de Reporting Services", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/reporting-services-point", Proto: "udp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de Reporting Services", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/reporting-services-point", Proto: "tcp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de Reporting Services", Row: "RPC", From: "configmgr/site-server", To: "configmgr/reporting-services-point", Proto: "tcp", Dynamic: true, Flags: "bidirectional"},

	// 003 line 647: Serveur de site < -- > Serveur de site
	{Service: "configmgr", Section: "Serveur de site < -- > Serveur de site", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/site-server", Proto: "tcp", Ports: "445", Flags: "bidirectional"},

	// 003 line 655: Serveur de site -- > SQL Server (second table, line 663: remote SQL Server at site installation)
	{Service: "configmgr", Section: "Serveur de site -- > SQL Server", Row: "SQL sur TCP", From: "configmgr/site-server", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},
	{Service: "configmgr", Section: "Serveur de site -- > SQL Server", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/sql-server", Proto: "tcp", Ports: "445"},
	{Service: "configmgr", Section: "Serveur de site -- > SQL Server", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/sql-server", Proto: "udp", Ports: "135"},
	{Service: "configmgr", Section: "Serveur de site -- > SQL Server", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/sql-server", Proto: "tcp", Ports: "135"},
	{Service: "configmgr", Section: "Serveur de site -- > SQL Server", Row: "RPC", From: "configmgr/site-server", To: "configmgr/sql-server", Proto: "tcp", Dynamic: true},

	// 003 line 677: Serveur de site -- > Fournisseur SMS
	{Service: "configmgr", Section: "Serveur de site -- > Fournisseur SMS", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/sms-provider", Proto: "tcp", Ports: "445"},
	{Service: "configmgr", Section: "Serveur de site -- > Fournisseur SMS", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/sms-provider", Proto: "udp", Ports: "135"},
	{Service: "configmgr", Section: "Serveur de site -- > Fournisseur SMS", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/sms-provider", Proto: "tcp", Ports: "135"},
	{Service: "configmgr", Section: "Serveur de site -- > Fournisseur SMS", Row: "RPC", From: "configmgr/site-server", To: "configmgr/sms-provider", Proto: "tcp", Dynamic: true},

	// 003 line 691: Serveur de site < -- > Point de mise à jour logicielle
	{Service: "configmgr", Section: "Serveur de site < -- > Point de mise à jour logicielle", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/software-update-point", Proto: "tcp", Ports: "445", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de mise à jour logicielle", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/site-server", To: "configmgr/software-update-point", Proto: "tcp", Ports: "80", Flags: "alternative bidirectional configurable", Alt: "8530"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de mise à jour logicielle", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/site-server", To: "configmgr/software-update-point", Proto: "tcp", Ports: "443", Flags: "alternative bidirectional configurable", Alt: "8531"},

	// 003 line 706: Serveur de site < -- > Point de migration de l'état (table stops after the endpoint mapper row: no dynamic RPC row)
	{Service: "configmgr", Section: "Serveur de site < -- > Point de migration de l'état", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/state-migration-point", Proto: "tcp", Ports: "445", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de migration de l'état", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/state-migration-point", Proto: "udp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Point de migration de l'état", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/state-migration-point", Proto: "tcp", Ports: "135", Flags: "bidirectional"},

	// 003 line 718: Serveur de site < -- > Programme de validation d'intégrité système
	{Service: "configmgr", Section: "Serveur de site < -- > Programme de validation d'intégrité système", Row: "SMB (Server Message Block)", From: "configmgr/site-server", To: "configmgr/system-health-validator-point", Proto: "tcp", Ports: "445", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Programme de validation d'intégrité système", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/system-health-validator-point", Proto: "udp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Programme de validation d'intégrité système", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/system-health-validator-point", Proto: "tcp", Ports: "135", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Serveur de site < -- > Programme de validation d'intégrité système", Row: "RPC", From: "configmgr/site-server", To: "configmgr/system-health-validator-point", Proto: "tcp", Dynamic: true, Flags: "bidirectional"},

	// 003 line 733: Fournisseur SMS -- > SQL Server
	{Service: "configmgr", Section: "Fournisseur SMS -- > SQL Server", Row: "SQL sur TCP", From: "configmgr/sms-provider", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},

	// 003 line 741: Point de mise à jour logicielle -- > Internet
	{Service: "configmgr", Section: "Point de mise à jour logicielle -- > Internet", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/software-update-point", To: "internet", Proto: "tcp", Ports: "80", Flags: "proxy"},

	// 003 line 749: Point de mise à jour logicielle -- > Serveur WSUS en amont
	{Service: "configmgr", Section: "Point de mise à jour logicielle -- > Serveur WSUS en amont", Row: "HTTP (Hypertext Transfer Protocol)", From: "configmgr/software-update-point", To: "configmgr/upstream-wsus-server", Proto: "tcp", Ports: "80", Flags: "alternative configurable", Alt: "8530"},
	{Service: "configmgr", Section: "Point de mise à jour logicielle -- > Serveur WSUS en amont", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/software-update-point", To: "configmgr/upstream-wsus-server", Proto: "tcp", Ports: "443", Flags: "alternative configurable", Alt: "8531"},

	// 003 line 760: SQL Server --> SQL Server (tip line 774: SQL Server Browser UDP 1434 not required)
	{Service: "configmgr", Section: "SQL Server --> SQL Server", Row: "Service SQL Server", From: "configmgr/sql-server", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},
	{Service: "configmgr", Section: "SQL Server --> SQL Server", Row: "Service Broker SQL Server", From: "configmgr/sql-server", To: "configmgr/sql-server", Proto: "tcp", Ports: "4022", Flags: "configurable"},
	{Service: "configmgr", Section: "SQL Server --> SQL Server", Row: "navigateur SQL Server", From: "configmgr/sql-server", To: "configmgr/sql-server", Proto: "udp", Ports: "1434", Flags: "not-required"},

	// 003 line 775: Point de migration d'état --> SQL Server
	{Service: "configmgr", Section: "Point de migration d'état --> SQL Server", Row: "SQL sur TCP", From: "configmgr/state-migration-point", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},

	// 003 line 783: Connecteur Microsoft Intune --> Microsoft Intune
	{Service: "configmgr", Section: "Connecteur Microsoft Intune --> Microsoft Intune", Row: "HTTPS (Secure Hypertext Transfer Protocol)", From: "configmgr/intune-connector", To: "configmgr/microsoft-intune", Proto: "tcp", Ports: "443"},

	// 003 line 813: Client vers partages serveur
	{Service: "configmgr", Section: "Client vers partages serveur", Row: "SMB (Server Message Block)", From: "configmgr/client", To: "internal", Proto: "tcp", Ports: "445"},

	// 003 line 824: Connexions à Microsoft SQL Server (lines 825-840: default ports, custom ports allowed -> configurable)
	{Service: "configmgr", Section: "Connexions à Microsoft SQL Server", Row: "SQL Server Service Broker", From: "configmgr/sql-server", To: "configmgr/sql-server", Proto: "tcp", Ports: "4022", Flags: "configurable"},
	{Service: "configmgr", Section: "Connexions à Microsoft SQL Server", Row: "Service SQL Server", From: "configmgr/sql-server", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},
	{Service: "configmgr", Section: "Connexions à Microsoft SQL Server", Row: "", From: "configmgr/application-catalog-web-service-point", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},
	{Service: "configmgr", Section: "Connexions à Microsoft SQL Server", Row: "", From: "configmgr/certificate-registration-point", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},
	{Service: "configmgr", Section: "Connexions à Microsoft SQL Server", Row: "", From: "configmgr/enrollment-point", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},
	{Service: "configmgr", Section: "Connexions à Microsoft SQL Server", Row: "", From: "configmgr/management-point", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},
	{Service: "configmgr", Section: "Connexions à Microsoft SQL Server", Row: "", From: "configmgr/site-server", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},
	{Service: "configmgr", Section: "Connexions à Microsoft SQL Server", Row: "", From: "configmgr/reporting-services-point", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},
	{Service: "configmgr", Section: "Connexions à Microsoft SQL Server", Row: "", From: "configmgr/sms-provider", To: "configmgr/sql-server", Proto: "tcp", Ports: "1433", Flags: "configurable"},

	// 003 line 857: Configuration requise pour les systèmes de site qui prennent en charge les clients Internet (lines 859-864)
	{Service: "configmgr", Section: "Configuration requise pour les systèmes de site qui prennent en charge les clients Internet", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/site-system", Proto: "udp", Ports: "135"},
	{Service: "configmgr", Section: "Configuration requise pour les systèmes de site qui prennent en charge les clients Internet", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/site-system", Proto: "tcp", Ports: "135"},
	{Service: "configmgr", Section: "Configuration requise pour les systèmes de site qui prennent en charge les clients Internet", Row: "Ports TCP RPC dynamiques", From: "configmgr/site-server", To: "configmgr/site-system", Proto: "tcp", Dynamic: true},
	{Service: "configmgr", Section: "Configuration requise pour les systèmes de site qui prennent en charge les clients Internet", Row: "Protocole SMB (Server Message Blocks)", From: "configmgr/site-server", To: "configmgr/site-system", Proto: "tcp", Ports: "445", Flags: "bidirectional"},
	{Service: "configmgr", Section: "Configuration requise pour les systèmes de site qui prennent en charge les clients Internet", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/distribution-point", Proto: "udp", Ports: "135"},
	{Service: "configmgr", Section: "Configuration requise pour les systèmes de site qui prennent en charge les clients Internet", Row: "Mappeur de point de terminaison RPC", From: "configmgr/site-server", To: "configmgr/distribution-point", Proto: "tcp", Ports: "135"},
	{Service: "configmgr", Section: "Configuration requise pour les systèmes de site qui prennent en charge les clients Internet", Row: "Ports TCP RPC dynamiques", From: "configmgr/site-server", To: "configmgr/distribution-point", Proto: "tcp", Dynamic: true},

	// 003 line 873: Ports utilisés par Windows Server (table lines 875-893)
	{Service: "configmgr", Section: "Ports utilisés par Windows Server", Row: "DNS (Domain Name System)", From: "internal", To: "internal", Proto: "udp", Ports: "53"},
	{Service: "configmgr", Section: "Ports utilisés par Windows Server", Row: "DNS (Domain Name System)", From: "internal", To: "internal", Proto: "tcp", Ports: "53"},
	{Service: "configmgr", Section: "Ports utilisés par Windows Server", Row: "DHCP (Dynamic Host Configuration Protocol)", From: "internal", To: "internal", Proto: "udp", Ports: "67,68"},
	{Service: "configmgr", Section: "Ports utilisés par Windows Server", Row: "Résolution de noms Netbios", From: "internal", To: "internal", Proto: "udp", Ports: "137"},
	{Service: "configmgr", Section: "Ports utilisés par Windows Server", Row: "Service de datagramme NetBIOS", From: "internal", To: "internal", Proto: "udp", Ports: "138"},
	{Service: "configmgr", Section: "Ports utilisés par Windows Server", Row: "Service de session NETBIOS", From: "internal", To: "internal", Proto: "tcp", Ports: "139"},

	// ===================================================================
	// 004_7c51f4a70852596d.txt (Managed Instance for Apache Cassandra)
	// ===================================================================

	// 004 line 25: Règles de réseau requises pour Azure Global (table lines 29-38)
	{Service: "cassandra-mi", Section: "Règles de réseau requises pour Azure Global", Row: "snovap`<region>`.blob.core.windows.net:443", From: "cassandra-mi/node", To: "internet", Hosts: "snovap<region>.blob.core.windows.net", Proto: "tcp", Ports: "443"},
	{Service: "cassandra-mi", Section: "Règles de réseau requises pour Azure Global", Row: "*.blob.core.windows.net:443", From: "cassandra-mi/node", To: "internet", Hosts: "*.blob.core.windows.net", Proto: "tcp", Ports: "443"},
	{Service: "cassandra-mi", Section: "Règles de réseau requises pour Azure Global", Row: "vmc-p-`<region>`.vault.azure.net:443", From: "cassandra-mi/node", To: "internet", Hosts: "vmc-p-<region>.vault.azure.net", Proto: "tcp", Ports: "443"},
	{Service: "cassandra-mi", Section: "Règles de réseau requises pour Azure Global", Row: "management.azure.com:443", From: "cassandra-mi/node", To: "internet", Hosts: "management.azure.com", Proto: "tcp", Ports: "443"},
	{Service: "cassandra-mi", Section: "Règles de réseau requises pour Azure Global", Row: "*.servicebus.windows.net:443", From: "cassandra-mi/node", To: "internet", Hosts: "*.servicebus.windows.net", Proto: "tcp", Ports: "443"},
	{Service: "cassandra-mi", Section: "Règles de réseau requises pour Azure Global", Row: "jarvis-west.dc.ad.msft.net:443", From: "cassandra-mi/node", To: "internet", Hosts: "jarvis-west.dc.ad.msft.net", Proto: "tcp", Ports: "443"},
	{Service: "cassandra-mi", Section: "Règles de réseau requises pour Azure Global", Row: "login.microsoftonline.com:443", From: "cassandra-mi/node", To: "internet", Hosts: "login.microsoftonline.com", Proto: "tcp", Ports: "443"},
	{Service: "cassandra-mi", Section: "Règles de réseau requises pour Azure Global", Row: "packages.microsoft.com", From: "cassandra-mi/node", To: "internet", Hosts: "packages.microsoft.com", Proto: "tcp", Ports: "443"},

	// 004 line 40: Utilisation des ports internes de Managed Instance pour Apache Cassandra (table lines 44-50;
	// line 42: reachable only inside the virtual network; protocol not stated)
	{Service: "cassandra-mi", Section: "Utilisation des ports internes de Managed\u00a0Instance pour Apache\u00a0Cassandra", Row: "Interne", From: "internal", To: "cassandra-mi/node", Proto: "tcp", Ports: "8443", Flags: "doubtful internal-only"},
	{Service: "cassandra-mi", Section: "Utilisation des ports internes de Managed\u00a0Instance pour Apache\u00a0Cassandra", Row: "Interne", From: "internal", To: "cassandra-mi/node", Proto: "tcp", Ports: "9443", Flags: "doubtful internal-only"},
	{Service: "cassandra-mi", Section: "Utilisation des ports internes de Managed\u00a0Instance pour Apache\u00a0Cassandra", Row: "Gossip. Utilisé par les nœuds\u00a0Cassandra pour communiquer entre eux", From: "cassandra-mi/node", To: "cassandra-mi/node", Proto: "tcp", Ports: "7001", Flags: "doubtful internal-only"},
	{Service: "cassandra-mi", Section: "Utilisation des ports internes de Managed\u00a0Instance pour Apache\u00a0Cassandra", Row: "Cassandra. Utilisé par les clients pour se connecter à Cassandra", From: "cassandra-mi/client", To: "cassandra-mi/node", Proto: "tcp", Ports: "9042", Flags: "doubtful internal-only"},
	{Service: "cassandra-mi", Section: "Utilisation des ports internes de Managed\u00a0Instance pour Apache\u00a0Cassandra", Row: "Interne", From: "internal", To: "cassandra-mi/node", Proto: "tcp", Ports: "7199", Flags: "doubtful internal-only"},
}
