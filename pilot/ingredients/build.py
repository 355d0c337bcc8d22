"""Build ``pilot/data/ingredients.csv`` from the base lists below.

    python -m pilot.ingredients.build          # rewrite the CSV
    python -m pilot.ingredients.build --check  # exit 1 when the CSV is not what this builds

The table is generated so that it stays systematic and reviewable: base ingredients are
written here once, by group, with their facts (``pilot.ingredients.facts.FACTS``), and the
everyday variants real recipes write ("beef short ribs", "almond flour", "lemon zest",
"swiss cheese", "halal chicken thighs") are made from them by the rules in ``variants()``.
Words that never change the facts (sizes, colours, "fresh", "smoked", "boneless", brand
names) are not multiplied into the table: ``pilot.ingredients.table`` ignores them when it
matches a longer name. Where a fact is a judgement (stock of unknown kind, parmesan,
worcestershire sauce, marshmallows, oats...) docs/data.md says why.

Each line of a group is ``name, name, ... : facts`` (facts separated by spaces; nothing
after the colon = no fact: the ingredient breaks no label).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from pilot.ingredients.facts import check_facts

OUT = Path(__file__).resolve().parents[1] / "data" / "ingredients.csv"

# --- animals ---------------------------------------------------------------------------

#: Animals whose meat is named "<animal> <cut>", with the kind of cut list they take.
MEAT_ANIMALS = {
    "beef": ("meat", "red"),
    "veal": ("meat", "red"),
    "lamb": ("meat", "red"),
    "mutton": ("meat", "red"),
    "goat": ("meat", "red"),
    "venison": ("meat", "red"),
    "bison": ("meat", "red"),
    "buffalo": ("meat", "red"),
    "elk": ("meat", "red"),
    "moose": ("meat", "red"),
    "kangaroo": ("meat", "red"),
    "rabbit": ("meat", "red"),
    "hare": ("meat", "red"),
    "pork": ("pork", "pork"),
    "wild boar": ("pork", "pork"),
    "chicken": ("poultry", "bird"),
    "turkey": ("poultry", "bird"),
    "duck": ("poultry", "bird"),
    "goose": ("poultry", "bird"),
    "quail": ("poultry", "bird"),
    "pheasant": ("poultry", "bird"),
    "partridge": ("poultry", "bird"),
    "guinea fowl": ("poultry", "bird"),
    "pigeon": ("poultry", "bird"),
    "squab": ("poultry", "bird"),
    "cornish hen": ("poultry", "bird"),
    "game hen": ("poultry", "bird"),
}
#: Cuts every animal has.
COMMON_CUTS = """
meat, mince, ground, minced, steak, steaks, roast, joint, chop, chops, cutlet, cutlets,
fillet, fillets, tenderloin, loin, shoulder, leg, legs, neck, breast, liver, livers,
kidney, kidneys, heart, hearts, tongue, giblets, bones, bone, carcass, fat, skin, stew meat,
stewing meat, cubes, chunks, strips, pieces, slices, kebab, kabob, kebabs, skewers,
burger, burgers, patty, patties, meatballs, meatloaf, jerky, deli meat, lunch meat,
drippings, dripping, gravy, stock, broth, bouillon, bouillon cube, bouillon cubes, stock cube,
stock cubes, base, soup base, consomme, jus, sausage, sausages, links, hot dogs, franks,
salami, pate, terrine, confit, rillettes, nuggets, tenders, goujons, whole, half, halves,
quarters, pieces bone in, leftovers, cooked, mince meat, keema, kofta, tikka, curry, stew
"""
#: Cuts of cattle, sheep, goats and game.
RED_CUTS = """
sirloin, rump, shank, shanks, shin, rib, ribs, short rib, short ribs, rack, brisket, chuck,
flank, skirt, round, topside, silverside, cheek, cheeks, tail, oxtail, tripe, marrow,
marrow bones, tips, medallions, carpaccio, tartare, saddle, haunch, flap, crown, ribeye,
rib eye, t bone, porterhouse, strip, strip steak, new york strip, filet mignon, tri tip,
hanger steak, flat iron steak, eye of round, bottom round, top round, sirloin tip,
chuck roast, chuck steak, blade, osso buco, prime rib, pot roast, stew, suet, tallow,
cube steak, minute steak, rack of, rolled, chump, chump chops, leg steaks, noisettes,
backstrap, sweetbreads, heart, bacon
"""
PORK_CUTS = """
belly, hock, hocks, knuckle, trotter, trotters, feet, jowl, cheek, cheeks, rind, rinds,
ribs, spare ribs, spareribs, baby back ribs, country style ribs, st louis ribs, riblets,
rib, rack, butt, shoulder roast, picnic, collar, neck, chump, medallions, escalope,
escalopes, tenderloin medallions, crown roast, loin chops, loin roast, leg steaks,
belly strips, sausage meat, chorizo, bacon, back fat, fatback, lard, crackling,
scratchings, floss, stew, tail, ears
"""
BIRD_CUTS = """
thigh, thighs, drumstick, drumsticks, wing, wings, wingettes, drumettes, tender,
tenderloins, breast fillets, breast halves, breasts, supreme, supremes, crown, oyster,
back, backs, frame, frames, wishbone, feet, gizzard, gizzards, necks, spatchcock,
spatchcocked, leg quarters, thigh fillets, mini fillets, bacon, ham, salami, pepperoni,
kielbasa, chorizo, fat, schnitzel, fingers, strips, cutlets, escalopes, tenderloin,
carcasses, wing tips, legs and thighs, skin on thighs, boneless thighs
"""

#: Cut words that add a fact of their own whatever the animal.
CUT_EXTRA = {
    "bouillon": "gluten",
    "bouillon cube": "gluten",
    "bouillon cubes": "gluten",
    "stock cube": "gluten",
    "stock cubes": "gluten",
    "base": "gluten",
    "soup base": "gluten",
    "gravy": "gluten",
    "sausage": "pork",  # natural casings are usually hog casings
    "sausages": "pork",
    "links": "pork",
    "hot dog": "pork",
    "hot dogs": "pork",
    "frank": "pork",
    "franks": "pork",
    "salami": "pork",
    "meatballs": "gluten egg",
    "meatloaf": "gluten egg",
    "nuggets": "gluten",
    "tenders": "gluten",
    "fingers": "gluten",
    "goujons": "gluten",
    "schnitzel": "gluten egg",
    "kofta": "gluten",
}

MEATS = """
meat, red meat, mince, minced meat, ground meat, mixed mince, meat mix, meatloaf mix,
stew meat, stewing steak, braising steak, steak, steaks, roast, pot roast, ribs, short ribs,
spare ribs, brisket, corned beef, pastrami, roast beef, beef jerky, biltong, bresaola,
oxtail, veal, sweetbreads, offal, liver, kidneys, tripe, bone marrow, marrow bones,
soup bones, knuckle bones, suet, beef suet, tallow, beef tallow, beef dripping, dripping,
bone broth, meat stock, meat broth, venison, game, haggis, black pudding, blood sausage,
bratwurst, kielbasa, andouille, merguez, boudin, frankfurter, wiener, salami, pepperoni,
summer sausage, lamb mince, kofte, gyro meat, doner meat, shawarma meat, carne asada,
beef tips, cube steak, minute steak, flank steak, skirt steak, london broil, tri tip,
mutton, kid goat, chevon, escargot, leg of lamb, rack of lamb, shoulder of lamb, saddle of lamb,
leg of mutton, rib of beef, side of beef : meat
sausage, sausages, sausage meat, sausagemeat, hot dog, hot dogs, frankfurters, wieners,
franks, cocktail sausages, little smokies, smoked sausage, polish sausage, link sausage,
breakfast sausage, sausage links, sausage patties, italian sausage, hot italian sausage,
sweet italian sausage, mild italian sausage, luncheon meat, lunch meat, deli meat, cold cuts,
spam, meatballs, frozen meatballs, bologna, mortadella, liverwurst, braunschweiger,
head cheese, scrapple, pate, liver pate, meat sauce, bolognese sauce, ragu bolognese : meat pork
pork, pork loin, bacon, ham, gammon, prosciutto, pancetta, guanciale, lardons, lardon,
lard, leaf lard, pork fat, fatback, salt pork, pork rind, pork rinds, chicharron,
chicharrones, crackling, pork belly, pork shoulder, pork butt, boston butt, picnic shoulder,
pork chops, pork tenderloin, pork ribs, baby back ribs, spareribs, ham hock, ham hocks,
smoked ham hock, ham bone, pigs feet, pig trotters, jamon, serrano ham, iberico ham,
parma ham, speck, chorizo, soppressata, capicola, coppa, nduja, lap cheong,
chinese sausage, char siu, canadian bacon, back bacon, streaky bacon, bacon bits,
bacon grease, bacon fat, ham steak, spiral ham, honey ham, deli ham, black forest ham,
pulled pork, carnitas, porchetta, pork sausage, chipolatas, chipolata, cumberland sausage,
toulouse sausage, morcilla, wild boar, hog, suckling pig, pork mince, ground pork,
pork stock, pork broth, tonkotsu broth, pork floss, pork gelatin, lard pastry, pepperoni,
pancetta cubes, bacon rashers, turkey ham : pork
chicken, whole chicken, rotisserie chicken, roast chicken, fryer, broiler chicken,
roasting chicken, stewing hen, boiling fowl, capon, poussin, spring chicken,
chicken breast, chicken tenders, chicken tenderloins, chicken cutlets, chicken drumsticks,
chicken legs, chicken wings, buffalo wings, chicken thighs, chicken quarters,
chicken livers, chicken hearts, chicken gizzards, chicken feet, chicken necks,
chicken backs, chicken carcass, chicken skin, schmaltz, chicken fat, chicken stock,
chicken broth, chicken consomme, chicken bouillon, chicken mince, ground chicken,
turkey, turkey breast, turkey mince, ground turkey, turkey legs, turkey wings,
turkey necks, turkey giblets, turkey drippings, turkey stock, turkey broth, turkey bacon,
turkey sausage, turkey pepperoni, turkey kielbasa, smoked turkey, deli turkey,
duck, duck breast, duck legs, duck confit, duck fat, goose, goose fat, foie gras,
quail, pheasant, guinea fowl, pigeon, squab, cornish hens, cornish game hens, game hens,
poultry, fowl, poultry seasoning stock, chicken salad, chicken meat, cooked chicken,
leftover chicken, leftover turkey, shredded chicken, pulled chicken, chicken tikka,
tandoori chicken, jerk chicken, fried chicken, chicken nuggets, popcorn chicken,
chicken sausage, chicken hot dogs, chicken franks, chicken chorizo : poultry
halal chicken, halal turkey, halal lamb, halal beef, halal mutton, halal goat, halal veal,
halal mince, halal sausages, halal meat, halal pepperoni, zabiha chicken, zabiha beef,
zabiha lamb, halal chicken breast, halal chicken thighs, halal lamb chops,
halal beef mince, halal gelatin, halal gelatine : halal_meat
gelatin, gelatine, gelatin powder, powdered gelatin, unflavored gelatin, leaf gelatin,
gelatin sheets, gelatine leaves, knox gelatin, jello, jell o, jelly crystals, jelly cubes,
gelatin dessert, flavored gelatin, strawberry gelatin, lime gelatin, lemon gelatin,
raspberry gelatin, cherry gelatin, orange gelatin, marshmallows, mini marshmallows,
miniature marshmallows, marshmallow, large marshmallows, marshmallow fluff,
marshmallow creme, marshmallow cream, gummy bears, gummy worms, gummies, gumdrops, jelly beans,
jelly babies, wine gums, fruit snacks, aspic, candy corn, jelly, jellies, jelly shots,
collagen, collagen peptides, bone broth powder : gelatin
"""

FISH = """
anchovy, anchovies, anchovy fillets, anchovy paste, bass, sea bass, striped bass,
chilean sea bass, black cod, sablefish, bream, sea bream, brill, carp, catfish, char,
arctic char, cod, salt cod, bacalao, bacalhau, dover sole, sole, lemon sole, eel, smoked eel,
unagi, flounder, grouper, haddock, smoked haddock, finnan haddie, hake, halibut, herring,
kipper, kippers, pickled herring, rollmops, john dory, kingfish, mackerel, smoked mackerel,
mahi mahi, dorado, marlin, monkfish, mullet, red mullet, orange roughy, perch, pike,
pollock, pollack, pompano, redfish, red snapper, snapper, rockfish, sardine, sardines,
pilchards, salmon, smoked salmon, lox, gravlax, salmon roe, skate, smelt, sprats, swordfish,
tilapia, trout, rainbow trout, smoked trout, turbot, tuna, ahi tuna, albacore, yellowfin tuna,
bluefin tuna, skipjack, bonito, bonito flakes, katsuobushi, whitebait, whiting, wahoo,
walleye, whitefish, white fish, fish, fish fillets, fish steaks, fish stock, fish broth,
fish sauce, nam pla, nuoc mam, fish paste, caviar, roe, fish roe, tarama,
taramasalata, cod roe, ikura, tobiko, masago, bottarga, dashi, dashi stock, hondashi,
caesar dressing, anchovy butter, shrimp paste : fish
worcestershire sauce, worcestershire, worcester sauce : fish gluten
shrimp, shrimps, prawn, prawns, king prawns, tiger prawns, jumbo shrimp, cocktail shrimp,
bay shrimp, dried shrimp, langoustine, langoustines, scampi, crayfish, crawfish, lobster,
lobster tails, rock lobster, crab, crabmeat, crab meat, lump crab meat, king crab,
snow crab, dungeness crab, blue crab, soft shell crab, clam, clams, littleneck clams,
cherrystone clams, razor clams, clam juice, clam broth, mussel, mussels, green lipped mussels,
oyster, oysters, oyster sauce, scallop, scallops, bay scallops, sea scallops, cockles,
whelks, winkles, periwinkles, abalone, conch, squid, calamari, octopus, baby octopus,
cuttlefish, squid ink, cuttlefish ink, sea urchin, uni, shellfish, seafood, seafood mix,
mixed seafood, seafood stock, shrimp stock, lobster stock, crab boil, belacan, blachan,
kapi, terasi, xo sauce, bagoong : shellfish
"""
FISH_CUTS = "fillet, fillets, steak, steaks, loin, loins, portion, portions, flakes, chunks"

DAIRY = """
milk, whole milk, skim milk, skimmed milk, semi skimmed milk, low fat milk, 2% milk,
1% milk, nonfat milk, fat free milk, full fat milk, raw milk, buttermilk, evaporated milk,
condensed milk, sweetened condensed milk, dry milk, powdered milk, milk powder,
nonfat dry milk, dried milk, goat milk, goats milk, sheep milk, lactose free milk,
chocolate milk, cream, heavy cream, heavy whipping cream, whipping cream, double cream,
single cream, light cream, table cream, sour cream, soured cream, creme fraiche,
clotted cream, whipped cream, cream cheese, neufchatel, mascarpone, half and half,
half & half, coffee creamer, creamer, butter, unsalted butter, salted butter, sweet butter,
cultured butter, clarified butter, ghee, brown butter, garlic butter, herb butter,
butter flavored, margarine, butter spread, yogurt, yoghurt, greek yogurt,
plain yogurt, vanilla yogurt, natural yogurt, strained yogurt, labneh, skyr, kefir, lassi,
curd, curds, cheese curds, whey, whey protein, casein, caseinate, lactose, ice cream,
vanilla ice cream, gelato, frozen yogurt, custard, custard powder, pudding, rice pudding,
milk chocolate, white chocolate, chocolate, chocolate chips, semisweet chocolate chips,
semi sweet chocolate chips, milk chocolate chips, white chocolate chips, chocolate chunks,
baking chocolate, semisweet chocolate, semi sweet chocolate, bittersweet chocolate,
dark chocolate, chocolate bar, chocolate candy, chocolate sprinkles, chocolate shavings,
chocolate syrup, chocolate sauce, hot fudge, fudge, caramel, caramels, caramel sauce,
dulce de leche, butterscotch, butterscotch chips, toffee, toffee bits, cajeta, paneer,
khoa, khoya, malai, dahi, raita, tzatziki, alfredo sauce, bechamel, bechamel sauce,
white sauce, cheese sauce, queso, nacho cheese, nacho cheese sauce, cheese dip, ranch seasoning, cool whip,
whipped topping, frozen whipped topping, cheez whiz, velveeta, processed cheese,
american cheese, cheese slices, cheese spread, string cheese, cottage cheese,
ricotta, ricotta cheese, quark, fromage frais, cream of mushroom soup base, milk solids,
dulce, eggnog, irish cream : dairy
"""

#: Cheeses known by their own name; each is also listed as "<name> cheese".
CHEESES = """
cheddar, sharp cheddar, mild cheddar, white cheddar, extra sharp cheddar, aged cheddar,
vintage cheddar, mature cheddar, colby, colby jack, monterey jack, pepper jack,
mozzarella, buffalo mozzarella, fresh mozzarella, low moisture mozzarella, burrata,
bocconcini, stracciatella, provolone, emmental, emmentaler, jarlsberg, havarti, gouda,
smoked gouda, edam, muenster, munster, brie, camembert, feta, halloumi, chevre,
stilton, danish blue, cambozola, cotija, queso fresco, queso blanco, oaxaca, asadero,
chihuahua, panela cheese, manouri, kasseri, kefalotyri, kefalograviera, mizithra, myzithra,
fontina, taleggio, asiago, montasio, scamorza, caciocavallo, ricotta salata, raclette,
reblochon, port salut, boursin, gjetost, brunost, wensleydale, cheshire, double gloucester,
red leicester, lancashire, caerphilly, leerdammer, maasdam, limburger, tilsit, butterkase,
paneer, requeson, cabrales, idiazabal, mahon, tetilla, zamorano, mimolette, saint agur,
saint andre, delice de bourgogne, epoisses, morbier, tomme, provola, cream cheese,
ricotta, mascarpone, cottage cheese, quark, neufchatel : dairy
parmesan, parmigiano, parmigiano reggiano, grana padano, pecorino, pecorino romano, romano,
gorgonzola, gruyere, comte, beaufort, manchego, roquefort, parmesan rind, parmesan rinds,
grated parmesan, shaved parmesan, parmigiano reggiano rind, pecorino sardo, fiore sardo,
emmental aop : dairy rennet
"""
#: Words that name a cheese only with "cheese" after them ("goat cheese", "blue cheese").
CHEESE_WORDS = """
goat, goats, sheep, blue, bleu, swiss, jack, american, processed, string, farmer, farmers,
pot, hoop, brick, pimento, pizza, nacho, mexican blend, italian blend, shredded, grated,
hard, soft, mild, sharp, extra sharp, aged, smoked, white, yellow, blended, cream, sliced,
melting, four, three, two, mixed, mexican, italian, vegetarian, cheddar jack, swiss
"""

EGGS = """
egg, eggs, large eggs, whole eggs, egg white, egg whites, egg yolk, egg yolks,
beaten egg, beaten eggs, egg wash, hard boiled eggs, boiled eggs, hard cooked eggs,
soft boiled eggs, poached eggs, fried eggs, scrambled eggs, deviled eggs, quail eggs,
duck eggs, pasteurized eggs, liquid egg, liquid egg whites, egg beaters, egg substitute,
powdered egg, dried egg, meringue, meringue powder, meringues, meringue nests, meringue shells, mayonnaise, mayo,
light mayonnaise, aioli, garlic aioli, hollandaise, hollandaise sauce, bearnaise,
tartar sauce, tartare sauce, remoulade,
lemon curd, zabaglione, eggnog base, salad cream, thousand island dressing, russian dressing,
marie rose sauce, sriracha mayo, spicy mayo, kewpie mayonnaise, japanese mayonnaise : egg
"""

# --- grains, flours, breads, pasta --------------------------------------------------------

GLUTEN = """
wheat, whole wheat, wheat berries, wheat bran, bran, wheat germ, cracked wheat, bulgur,
bulgur wheat, bulghur, burghul, freekeh, farro, spelt, emmer, einkorn, kamut, khorasan,
durum, durum wheat, semolina, semolina flour, couscous, israeli couscous, pearl couscous,
giant couscous, barley, pearl barley, pot barley, barley flakes, rye, rye berries,
rye flakes, triticale, malt, malted milk, malted milk powder, malt extract, malt syrup,
barley malt syrup, malt powder, diastatic malt powder, malt vinegar, seitan, vital wheat gluten,
wheat gluten, gluten, wheat starch, flour, plain flour, all purpose flour, ap flour,
bread flour, strong flour, strong white flour, strong bread flour, cake flour, pastry flour,
self raising flour, self rising flour, whole wheat flour, wholemeal flour, white flour,
unbleached flour, bleached flour, wheat flour, graham flour, atta, atta flour, chapati flour,
maida, 00 flour, tipo 00 flour, durum flour, spelt flour, rye flour, dark rye flour,
barley flour, wholewheat flour, wholemeal, instant flour, wondra, wondra flour,
bread crumbs, breadcrumbs, dry breadcrumbs, fresh breadcrumbs, panko, panko breadcrumbs,
italian breadcrumbs, seasoned breadcrumbs, croutons, stuffing, stuffing mix,
stuffing cubes, bread cubes, matzo, matzah, matzo meal, matzah meal, cracker meal,
crackers, saltine crackers, saltines, ritz crackers, oyster crackers, graham cracker crumbs,
water crackers, cream crackers, cheese crackers, wheat thins, triscuits, pretzels,
pretzel sticks, pretzel rods, breadsticks, grissini, melba toast, rusks, zwieback,
communion wafers, wafers, vanilla wafers, ice cream cones, waffle cones, cereal,
bran flakes, shredded wheat, weetabix, wheaties, cheerios, rice krispies, corn flakes,
special k, grape nuts, muesli, granola, bisquick, baking mix, pancake mix, waffle mix,
cake mix, yellow cake mix, white cake mix, chocolate cake mix, devils food cake mix,
brownie mix, muffin mix, cornbread mix, biscuit mix, cookie mix, pizza dough,
pizza crust, pizza base, bread dough, dough, cookie dough, puff pastry, filo, phyllo,
filo pastry, phyllo dough, shortcrust pastry, pastry, pastry dough, pie crust, pie shell,
pie pastry, pie dough, tart shell, tart shells, pastry shells, vol au vent cases,
crescent rolls, crescent dough, refrigerated crescent rolls, biscuit dough,
refrigerated biscuits, canned biscuits, cinnamon rolls, wonton wrappers, wonton skins,
dumpling wrappers, gyoza wrappers, potsticker wrappers, egg roll wrappers, spring roll wrappers,
spring roll pastry, samosa pastry, kataifi, brik pastry, yufka, tortilla, tortillas,
flour tortillas, wraps, tortilla wraps, flatbread, flatbreads, lavash, pita, pitta,
pita bread, pitta bread, naan, naan bread, chapati, chapatis, roti, paratha, puri,
bread, white bread, whole wheat bread, wholemeal bread, brown bread, sandwich bread,
sliced bread, toast, french bread, baguette, ciabatta, focaccia, sourdough, sourdough bread,
rye bread, pumpernickel, multigrain bread, seeded bread, soda bread, italian bread,
country bread, crusty bread, artisan bread, bread rolls, dinner rolls, rolls, buns,
hamburger buns, burger buns, hot dog buns, sub rolls, hoagie rolls, kaiser rolls,
english muffins, bagels, bagel, croissants, croissant, pain au chocolat, brioche,
challah, panettone, pandoro, stollen, hot cross buns, crumpets, scones, biscuits,
muffins, pancakes, waffles, crepes, blinis, cornbread, garlic bread, texas toast,
breadcrumb, bread crumb, stale bread, day old bread, cake, sponge cake, pound cake,
angel food cake, ladyfingers, savoiardi, sponge fingers, cookies, biscotti, shortbread,
digestive biscuits, digestives, graham crackers, gingersnaps, ginger snaps, ginger nuts,
oreos, oreo cookies, chocolate cookies, chocolate wafers, vanilla cookies, amaretti,
macarons, brownies, doughnuts, donuts, churros, pie, tart, pasta, dried pasta,
noodles, udon, udon noodles, ramen, ramen noodles, instant noodles, soba, soba noodles,
somen, chow mein noodles, lo mein noodles, hokkien noodles, wheat noodles, hakka noodles,
spaetzle, gnocchi, dumplings, wontons, tortellini, ravioli, tortelloni, agnolotti,
cappelletti, lasagna sheets, lasagne sheets, cannelloni tubes, manicotti shells,
orzo, risoni, ditalini, pastina, acini de pepe, acini di pepe, stelline, alphabet pasta, fregola,
soy sauce, shoyu, light soy sauce, dark soy sauce, sweet soy sauce, kecap manis,
low sodium soy sauce, reduced sodium soy sauce, teriyaki sauce, teriyaki, teriyaki marinade,
hoisin sauce, hoisin, black bean sauce, bean sauce, yellow bean sauce, sweet bean sauce,
gochujang, doenjang, miso, miso paste, white miso, red miso, yellow miso, barley miso,
ponzu, ponzu sauce, tonkatsu sauce, okonomiyaki sauce, yakisoba sauce, bulgogi sauce,
stir fry sauce, hp sauce, brown sauce, gravy, gravy mix,
gravy granules, brown gravy mix, onion soup mix, dry onion soup mix, soup mix,
roux, beer, ale, lager, stout, porter, pale ale, ipa, wheat beer, pilsner, guinness,
malt beverage, bouillon, bouillon cube, bouillon cubes, bouillon granules, stock cube,
stock cubes, stock powder, oxo, oxo cube, seasoning cube, maggi cube, beef base,
chicken base, better than bouillon, brewers yeast, yeast extract, marmite, vegemite, bovril,
oats, rolled oats, old fashioned oats, quick oats, quick cooking oats, instant oats,
steel cut oats, oatmeal, oat flour, oat bran, oat groats, oat milk, porridge oats,
jumbo oats, oatcakes, taco seasoning, taco seasoning mix, fajita seasoning, chili seasoning,
chili seasoning mix, sloppy joe mix, enchilada sauce mix, tempura batter, tempura flour,
batter mix, fish fry, seasoned flour, shake n bake, coating mix,
licorice, liquorice, twizzlers, red vines, malt balls, maltesers, kit kat : gluten
"""

#: Pasta shapes: dried durum pasta, gluten (egg pasta is listed with the eggs).
PASTA = """
spaghetti, spaghettini, linguine, linguini, fettuccine, fettucine, fettuccini, tagliatelle,
pappardelle, bucatini, capellini, angel hair, angel hair pasta, vermicelli, fusilli,
rotini, rotelle, penne, penne rigate, mostaccioli, ziti, rigatoni, macaroni,
elbow macaroni, elbows, shells, pasta shells, small shells, medium shells, jumbo shells,
conchiglie, conchiglioni, farfalle, bow tie pasta, bowtie pasta, bow ties, orecchiette,
cavatappi, cavatelli, gemelli, radiatori, campanelle, casarecce, strozzapreti, trofie,
paccheri, calamarata, mafaldine, mafalde, reginette, lasagna, lasagna noodles, lasagne,
oven ready lasagna noodles, no boil lasagna noodles, manicotti, cannelloni, tubetti,
anelli, anelletti, lumache, pipe rigate, garganelli, malloreddus, pici, bigoli,
tonnarelli, chitarra, fideos, fideo, wagon wheels, ruote, pasta twists, spirals,
tri color rotini, whole wheat pasta, whole wheat spaghetti, whole wheat penne,
egg noodle, wide egg noodles, kluski noodles, pastina, ditali, noodles pasta
"""

GRAINS_FREE = """
rice, white rice, brown rice, long grain rice, short grain rice, medium grain rice,
basmati, basmati rice, jasmine rice, arborio, arborio rice, carnaroli, risotto rice,
sushi rice, sticky rice, glutinous rice, sweet rice, wild rice, black rice, red rice,
forbidden rice, paella rice, bomba rice, calrose rice, parboiled rice, converted rice,
instant rice, minute rice, cooked rice, leftover rice, rice flakes, poha, puffed rice,
rice cakes, rice crackers, rice paper, rice paper wrappers, rice wrappers, spring roll rice wrappers, rice noodles, rice vermicelli,
rice sticks, pad thai noodles, bean thread noodles, glass noodles, cellophane noodles,
mung bean noodles, sweet potato noodles, japchae noodles, shirataki noodles, kelp noodles,
zucchini noodles, zoodles, spaghetti squash, rice flour, brown rice flour,
sweet rice flour, glutinous rice flour, mochiko, corn, cornmeal, polenta, grits,
hominy, masa, masa harina, masa dough, corn flour, cornflour, cornstarch, corn starch,
maize, maize flour, popcorn, popcorn kernels, corn tortillas, tostadas, taco shells,
hard taco shells, tortilla chips, corn chips, fritos, doritos, tamales, quinoa,
red quinoa, black quinoa, quinoa flakes, millet, sorghum, sorghum flour, teff, teff flour,
amaranth, buckwheat, buckwheat groats, kasha, buckwheat flour, chia, chia seeds,
flaxseed, flax seeds, flaxseed meal, ground flaxseed, linseed, hemp seeds, hemp hearts,
tapioca, tapioca flour, tapioca starch, tapioca pearls, boba, cassava, cassava flour,
yuca, manioc, arrowroot, arrowroot powder, arrowroot starch, potato starch, potato flour,
sago, sago pearls, chickpea flour, gram flour, besan, garbanzo bean flour, fava bean flour,
lentil flour, pea flour, soy flour, coconut flour, banana flour, plantain flour,
tiger nut flour, psyllium husk, psyllium, xanthan gum, guar gum, agar, agar agar,
gluten free flour, gluten free oats, certified gluten free oats, gluten free bread,
gluten free pasta, gluten free breadcrumbs, gluten free soy sauce, tamari, gluten free tamari,
coconut aminos, liquid aminos, rice bran, rice bran oil, corn flakes cereal gluten free,
potato chips, crisps, kettle chips, potato crisps, hash browns, tater tots,
french fries, fries, chips, oven chips, potato flakes, instant mashed potatoes,
mashed potatoes, instant potato flakes, rice pudding rice
"""

# --- plants ----------------------------------------------------------------------------

VEGETABLES = """
onion, onions, yellow onion, white onion, red onion, sweet onion, vidalia onion, spanish onion,
brown onion, pearl onions, cipollini onions, shallot, shallots, scallion, scallions,
green onion, green onions, spring onion, spring onions, salad onions, leek, leeks,
chives, garlic, garlic clove, garlic cloves, cloves garlic, garlic bulb, head of garlic,
black garlic, garlic scapes, wild garlic, ramps, elephant garlic, roasted garlic,
garlic paste, garlic puree, minced garlic, chopped garlic, garlic powder, granulated garlic,
garlic salt, garlic flakes, onion powder, onion flakes, dried onion, minced onion,
dehydrated onion, onion salt, fried onions, crispy onions, french fried onions,
tomato, tomatoes, cherry tomatoes, grape tomatoes, plum tomatoes, roma tomatoes,
vine tomatoes, heirloom tomatoes, beefsteak tomatoes, beef tomatoes, green tomatoes,
san marzano tomatoes, tinned tomatoes, canned tomatoes, chopped tomatoes,
diced tomatoes, crushed tomatoes, whole tomatoes, peeled tomatoes, stewed tomatoes,
fire roasted tomatoes, tomato puree, tomato paste, tomato concentrate, passata,
tomato passata, tomato sauce, marinara, marinara sauce, pasta sauce, spaghetti sauce,
pizza sauce, arrabbiata sauce, tomato juice, sun dried tomatoes, sundried tomatoes,
semi dried tomatoes, rotel, ro tel, tomatoes and green chiles, tomatillo, tomatillos,
salsa, salsa verde, pico de gallo, potato, potatoes, russet potatoes, baking potatoes,
yukon gold potatoes, red potatoes, new potatoes, baby potatoes, fingerling potatoes,
waxy potatoes, floury potatoes, maris piper potatoes, king edward potatoes, white potatoes,
sweet potato, sweet potatoes, yam, yams, kumara, purple sweet potato, carrot, carrots,
baby carrots, heirloom carrots, parsnip, parsnips, turnip, turnips, swede, rutabaga,
beet, beets, beetroot, golden beets, radish, radishes, daikon, mooli, horseradish,
fresh horseradish, celeriac, celery root, celery, celery stalks, celery ribs, celery hearts,
celery leaves, fennel, fennel bulb, fennel fronds, jicama, kohlrabi, jerusalem artichoke,
jerusalem artichokes, sunchokes, salsify, lotus root, burdock, taro, water chestnuts,
water chestnut, bamboo shoots, bean sprouts, mung bean sprouts, alfalfa sprouts,
broccoli, broccoli florets, broccolini, tenderstem broccoli, broccoli rabe, rapini,
cauliflower, cauliflower florets, cauliflower rice, riced cauliflower, romanesco,
cabbage, green cabbage, red cabbage, white cabbage, savoy cabbage, napa cabbage,
chinese cabbage, bok choy, pak choi, baby bok choy, choy sum, gai lan, chinese broccoli,
brussels sprouts, brussel sprouts, sprouts, kale, curly kale, lacinato kale, tuscan kale,
cavolo nero, dinosaur kale, collard greens, collards, mustard greens, turnip greens,
beet greens, swiss chard, chard, rainbow chard, spinach, baby spinach, frozen spinach,
watercress, cress, arugula, rocket, lettuce, iceberg lettuce, romaine, romaine lettuce,
cos lettuce, butter lettuce, butterhead lettuce, bibb lettuce, boston lettuce,
little gem lettuce, little gem, red leaf lettuce, green leaf lettuce, lamb's lettuce,
mache, mixed greens, salad greens, spring mix, mesclun, salad leaves, baby greens,
endive, belgian endive, chicory, radicchio, frisee, escarole, dandelion greens, sorrel,
purslane, microgreens, pea shoots, asparagus, asparagus spears, green asparagus,
white asparagus, artichoke, artichokes, artichoke hearts, baby artichokes, marinated artichokes,
pepper, peppers, bell pepper, bell peppers, sweet pepper, sweet peppers, capsicum,
red pepper, green pepper, yellow pepper, orange pepper, red bell pepper, green bell pepper,
yellow bell pepper, orange bell pepper, mini peppers, roasted red peppers, pimento, pimentos,
pimientos, piquillo peppers, banana peppers, pepperoncini, cubanelle, poblano,
poblano pepper, poblanos, anaheim pepper, anaheim chiles, hatch chiles, jalapeno,
jalapenos, jalapeno pepper, pickled jalapenos, serrano, serrano pepper, serrano chile,
habanero, scotch bonnet, scotch bonnet pepper, thai chili, thai chilies, bird's eye chili,
birds eye chilli, chili, chilies, chile, chiles, chilli, chillies, red chili, green chili,
green chiles, green chilies, diced green chiles, fresno chile, fresno pepper, cayenne pepper,
chipotle, chipotles, chipotle peppers, chipotle peppers in adobo, chipotles in adobo,
adobo sauce, ancho chile, ancho chiles, dried ancho chiles, guajillo chiles, pasilla chiles,
arbol chiles, chiles de arbol, mulato chiles, cascabel chiles, kashmiri chilies,
dried red chilies, dried chilies, padron peppers, shishito peppers, ghost pepper,
eggplant, eggplants, aubergine, aubergines, japanese eggplant, chinese eggplant,
zucchini, zucchinis, courgette, courgettes, summer squash, yellow squash, pattypan squash,
squash, winter squash, butternut squash, butternut, acorn squash, delicata squash,
kabocha squash, kabocha, hubbard squash, spaghetti squash, pumpkin, pumpkin puree,
canned pumpkin, pie pumpkin, sugar pumpkin, pumpkin seeds, pepitas, cucumber, cucumbers,
english cucumber, persian cucumbers, mini cucumbers, gherkins, pickles, dill pickles,
pickle relish, sweet relish, dill relish, cornichons, sauerkraut,
okra, green beans, string beans, french beans, haricots verts, runner beans, wax beans,
yellow beans, snow peas, mangetout, sugar snap peas, snap peas, peas, green peas,
garden peas, frozen peas, petits pois, sweet corn, sweetcorn, corn kernels,
corn on the cob, ears of corn, baby corn, creamed corn, cream style corn, mushrooms,
mushroom, button mushrooms, white mushrooms, cremini mushrooms, crimini mushrooms,
chestnut mushrooms, baby bella mushrooms, portobello mushrooms, portabella mushrooms,
portobello, shiitake, shiitake mushrooms, dried shiitake mushrooms, oyster mushrooms,
king oyster mushrooms, enoki mushrooms, enoki, maitake, hen of the woods, chanterelles,
chanterelle mushrooms, morels, morel mushrooms, porcini, porcini mushrooms, dried porcini,
wild mushrooms, mixed mushrooms, wood ear mushrooms, black fungus, trumpet mushrooms,
truffle, truffles, black truffle, truffle oil, avocado, avocados, hass avocado, guacamole,
olives, olive, black olives, green olives, kalamata olives, castelvetrano olives,
nicoise olives, stuffed olives, pimento stuffed olives, capers, caper berries, nopales,
cactus, chayote, bitter melon, plantain, plantains, green plantain, breadfruit, cassava root,
seaweed, nori, nori sheets, kombu, kelp, wakame, dulse, hijiki, arame, sea vegetables,
spirulina, chlorella, vegetables, vegetable, mixed vegetables, frozen mixed vegetables,
stir fry vegetables, veggies, mirepoix, soffritto, sofrito, crudites, coleslaw mix,
slaw mix, broccoli slaw, shredded cabbage, shredded carrots, matchstick carrots,
vegetable stock, vegetable broth, veggie broth, veggie stock,
mushroom broth, mushroom stock, vegetable juice, v8, v8 juice, tomato vegetable juice,
garlic chives, beansprouts, marrowfat peas, mushy peas, chipotle paste, lemongrass, lemon grass, galangal, ginger, fresh ginger, ginger root,
ginger paste, ground ginger, crystallized ginger, candied ginger, pickled ginger,
stem ginger, turmeric root, fresh turmeric, wasabi, wasabi paste
"""

FRUITS = """
apple, granny smith, granny smith apples, honeycrisp apples, gala apples, fuji apples,
braeburn apples, pink lady apples, golden delicious apples, red delicious apples,
mcintosh apples, cooking apples, bramley apples, crab apples, pear, bosc pears,
anjou pears, bartlett pears, asian pear, nashi pear, quince, apricot, peach, nectarine,
plum, damson, greengage, prune, cherry, sour cherry, morello cherries, maraschino cherries,
maraschino cherry, glace cherries, candied cherries, banana, bananas, ripe bananas,
overripe bananas, mango, mangoes, mangos, papaya, pawpaw, pineapple, crushed pineapple,
pineapple chunks, pineapple tidbits, coconut, shredded coconut, desiccated coconut,
flaked coconut, coconut flakes, sweetened coconut, unsweetened coconut, coconut chips,
fresh coconut, coconut milk, light coconut milk, coconut cream, cream of coconut,
coconut water, coconut oil, virgin coconut oil, coconut butter, coconut yogurt,
coconut sugar, kiwi, kiwifruit, kiwi fruit, passion fruit, passionfruit, guava, lychee,
lychees, litchi, longan, rambutan, dragon fruit, pitaya, jackfruit, durian, starfruit,
carambola, persimmon, sharon fruit, pomegranate, pomegranate seeds, pomegranate arils,
pomegranate molasses, fig, figs, dried figs, date, dates, medjool dates, pitted dates,
date syrup, date paste, grape, grapes, red grapes, green grapes, seedless grapes,
raisin, raisins, golden raisins, sultanas, currants, dried currants, zante currants,
craisins, dried cranberries, dried cherries, dried apricots, dried mango, dried fruit,
mixed dried fruit, mixed peel, candied peel, candied citrus peel, candied orange peel,
citron, strawberry, strawberries, raspberry, raspberries, blackberry, blackberries,
blueberry, blueberries, wild blueberries, cranberry, cranberries, fresh cranberries,
cranberry sauce, whole berry cranberry sauce, jellied cranberry sauce, gooseberries,
redcurrants, red currants, blackcurrants, black currants, elderberries, elderflower,
elderflower cordial, mulberries, boysenberries, loganberries, huckleberries, lingonberries,
acai, goji berries, mixed berries, frozen berries, berries, rhubarb, melon, cantaloupe,
honeydew, honeydew melon, watermelon, galia melon, orange, oranges, navel oranges,
blood orange, blood oranges, seville oranges, mandarin, mandarins, mandarin oranges,
clementine, clementines, tangerine, tangerines, satsuma, satsumas, kumquat, kumquats,
grapefruit, pink grapefruit, pomelo, lemon, lemons, meyer lemon, meyer lemons,
preserved lemon, preserved lemons, lime, limes, key lime, key limes, kaffir lime,
makrut lime, kaffir lime leaves, makrut lime leaves, lime leaves, yuzu, bergamot,
orange juice, fresh orange juice, lemon juice, fresh lemon juice, lime juice,
fresh lime juice, key lime juice, grapefruit juice, apple juice, apple cider,
cranberry juice, grape juice, white grape juice, pineapple juice, pomegranate juice,
mango juice, mango nectar, apricot nectar, peach nectar, pear nectar, guava nectar,
cherry juice, tart cherry juice, prune juice, fruit juice, lemon zest, lime zest,
orange zest, grapefruit zest, citrus zest, lemon peel, orange peel, lime peel,
lemon rind, orange rind, lime rind, applesauce, apple sauce, unsweetened applesauce,
apple butter, pumpkin butter, fruit cocktail, fruit salad, canned peaches,
peach slices, pear halves, canned pears, mandarin segments, jam, jams, preserves,
fruit preserves, marmalade, orange marmalade, strawberry jam, raspberry jam,
apricot jam, apricot preserves, cherry jam, blackberry jam, blueberry jam, fig jam,
plum jam, grape jelly, apple jelly, red currant jelly, redcurrant jelly, mint jelly,
pepper jelly, hot pepper jelly, jalapeno jelly, quince paste, membrillo,
fruit puree, apple puree, mango puree, raspberry puree, strawberry puree,
banana puree, pie filling, cherry pie filling, apple pie filling, blueberry pie filling,
fruit, fresh fruit, mixed fruit, tamarind, tamarind paste, tamarind concentrate,
amchur, amchoor, mango powder, baobab, sumac berries, rose hips
"""
#: Fruit forms real recipes write, for the fruits that have them.
FRUIT_FORMS = {
    "juice": "apple, orange, lemon, lime, grapefruit, pineapple, grape, cranberry, pomegranate, "
    "mango, cherry, tomato, carrot, beet, peach, pear, passion fruit, blood orange, tangerine, "
    "clementine, yuzu, watermelon, coconut, prune, blueberry, raspberry, strawberry",
    "zest": "lemon, lime, orange, grapefruit, tangerine, clementine, mandarin, yuzu, blood orange",
    "peel": "lemon, lime, orange, grapefruit, tangerine, mandarin",
    "rind": "lemon, lime, orange, grapefruit",
    "wedges": "lemon, lime, orange, apple, potato, tomato",
    "slices": "lemon, lime, orange, apple, banana, peach, pear, pineapple, cucumber, tomato",
    "puree": "apple, pear, peach, apricot, mango, banana, strawberry, raspberry, pumpkin, "
    "sweet potato, chestnut, butternut squash, carrot, plum, prune, passion fruit",
    "jam": "apricot, strawberry, raspberry, cherry, blackberry, blueberry, fig, plum, peach, "
    "blackcurrant, damson, gooseberry, rhubarb, mixed berry, seedless raspberry, orange",
    "preserves": "apricot, strawberry, raspberry, cherry, peach, fig, blackberry, pineapple",
    "nectar": "apricot, peach, pear, mango, guava, papaya, passion fruit",
    "compote": "apple, rhubarb, berry, cherry, plum, blueberry",
    "sauce": "apple, cranberry, plum, raspberry, strawberry, mango, cherry",
    "halves": "peach, pear, apricot, plum",
    "chunks": "pineapple, mango, apple, melon, peach",
}
SPICE_FORMS = {
    "powder": "garlic, onion, ginger, chili, chilli, curry, cinnamon, mustard, chipotle, ancho, "
    "cayenne, paprika, turmeric, cumin, coriander, fennel, cardamom, clove, nutmeg, five spice, "
    "mango, tomato, celery, wasabi, sumac, beetroot, mushroom, porcini, lemon, lime, matcha",
    "seeds": "cumin, coriander, fennel, caraway, mustard, celery, dill, anise, cardamom, "
    "fenugreek, nigella, ajwain, carom, poppy, sesame, sunflower, pumpkin, chia, flax, hemp, "
    "pomegranate, nigella sativa, black cumin, onion",
    "leaves": "basil, mint, bay, curry, coriander, cilantro, parsley, sage, thyme, oregano, "
    "tarragon, fenugreek, kaffir lime, lime, makrut lime, celery, shiso, perilla, fig, grape, "
    "banana, vine, pandan, betel, sorrel, dill, lemon balm, lovage, spinach",
    "sprigs": "thyme, rosemary, mint, parsley, dill, tarragon, oregano, basil, sage, cilantro",
    "stems": "cilantro, coriander, parsley, lemongrass, dill, kale, broccoli, chard",
    "flakes": "chili, chilli, red pepper, onion, garlic, parsley, coconut, sea salt, salt, "
    "chipotle, aleppo, nori",
}

LEGUMES = """
beans, black beans, black turtle beans, kidney beans, red kidney beans, dark red kidney beans,
light red kidney beans, white kidney beans, cannellini beans, cannellini, navy beans,
haricot beans, great northern beans, white beans, butter beans, lima beans, baby lima beans,
pinto beans, borlotti beans, cranberry beans, pink beans, small red beans, red beans,
adzuki beans, azuki beans, mung beans, black eyed peas, blackeyed peas, cowpeas,
chickpeas, garbanzo beans, garbanzos, chana, chana dal, kala chana, lentils, red lentils,
green lentils, brown lentils, puy lentils, french lentils, black lentils, beluga lentils,
yellow lentils, masoor dal, toor dal, moong dal, urad dal, dal, dhal, split peas,
yellow split peas, green split peas, fava beans, broad beans, edamame, soybeans,
soy beans, black soybeans, lupini beans, mixed beans, three bean mix, bean salad,
baked beans vegetarian, vegetarian baked beans, vegetarian refried beans,
fat free refried beans vegetarian, hummus, houmous, falafel, falafel mix,
tofu, firm tofu, extra firm tofu, silken tofu, soft tofu, smoked tofu, fried tofu,
tofu puffs, tempeh, natto, yuba, bean curd, tvp, textured vegetable protein,
soy mince, soya mince, plant based mince, soy milk, soya milk, soy yogurt, soy cream, soy protein,
soy protein isolate, soy lecithin, lecithin, aquafaba, peas protein, pea protein,
bean paste, red bean paste, sweet red bean paste, anko, white bean paste, black bean paste
"""

#: Refried and baked beans are usually made with lard or pork: see docs/data.md.
BEAN_DISHES = """
refried beans, canned refried beans, traditional refried beans, baked beans, pork and beans,
beans and franks, boston baked beans, ranch style beans, chili beans, chili, canned chili,
chili con carne, cowboy beans, charro beans, frijoles charros : pork
"""

NUTS = """
almond, almonds, slivered almonds, sliced almonds, flaked almonds, blanched almonds,
ground almonds, marcona almonds, smoked almonds, toasted almonds, almond meal,
almond flour, blanched almond flour, almond butter, almond paste, almond milk,
almond oil, cashew, cashews, raw cashews, cashew nuts, cashew butter, cashew cream,
cashew milk, walnut, walnuts, black walnuts, walnut halves, walnut pieces, walnut oil,
pecan, pecans, pecan halves, pecan pieces, pistachio, pistachios, pistachio nuts,
pistachio paste, hazelnut, hazelnuts, filberts, hazelnut meal, hazelnut flour,
hazelnut oil, macadamia, macadamia nuts, macadamias, brazil nut, brazil nuts, pine nut,
pine nuts, pignoli, pinon, chestnut, chestnuts, roasted chestnuts, chestnut puree,
chestnut flour, candlenuts, kukui nuts, beechnuts, hickory nuts, dukkah, dukka,
sugared almonds, candied pecans, candied walnuts, honey roasted almonds, ground hazelnuts,
ground walnuts, ground pecans, pine nut butter, pecan pie filling, almond extract,
almond essence, almond flavoring : tree_nut
nuts, mixed nuts, chopped nuts, nut butter, nut milk, nut oil, nut flour, trail mix, nut mix,
nut topping, mixed nut butter, nut cluster, nut clusters : tree_nut peanut
marzipan, almond paste marzipan : tree_nut egg
frangipane, almond croissants : tree_nut egg dairy gluten
praline, pralines, gianduja, hazelnut spread, nutella, praline paste, florentines,
korma paste, korma sauce : tree_nut dairy
nougat, turron, torrone : tree_nut egg honey
baklava : tree_nut gluten dairy honey
romesco, romesco sauce, muhammara : tree_nut gluten
mole, mole sauce, mole paste, mole poblano : tree_nut peanut gluten
pesto, basil pesto, genovese pesto, pesto sauce, pesto genovese, pesto alla genovese : tree_nut dairy rennet
amaretto, almond liqueur, frangelico, nocino, hazelnut liqueur : tree_nut alcohol
peanut, peanuts, roasted peanuts, salted peanuts, dry roasted peanuts, honey roasted peanuts,
raw peanuts, spanish peanuts, peanut butter, creamy peanut butter, crunchy peanut butter,
smooth peanut butter, natural peanut butter, chunky peanut butter, peanut butter chips,
peanut flour, powdered peanut butter, pb2, peanut oil, groundnut oil, groundnuts,
groundnut, peanut sauce, satay sauce, satay, peanut brittle, boiled peanuts, arachis oil,
peanut dressing, gado gado sauce : peanut
reeses pieces, peanut butter cups, reeses peanut butter cups, goobers, peanut m&ms,
snickers : peanut dairy
"""
NUT_FORMS = "butter, flour, meal, milk, oil, paste, halves, pieces"

SEEDS = """
sesame seeds, sesame, white sesame seeds, black sesame seeds, toasted sesame seeds,
tahini, tahina, sesame paste, sesame oil, toasted sesame oil, dark sesame oil,
sunflower seeds, sunflower seed butter, sunbutter, pumpkin seed butter, poppy seeds,
poppyseed, nigella seeds, kalonji, watermelon seeds, lotus seeds, sacha inchi
"""

HERBS_SPICES = """
basil, fresh basil, thai basil, holy basil, purple basil, basil leaves, parsley,
flat leaf parsley, italian parsley, curly parsley, cilantro, coriander, coriander leaves,
fresh coriander, coriander seeds, ground coriander, dill, dill weed, fresh dill, dill seed,
mint, fresh mint, spearmint, peppermint, mint leaves, oregano, dried oregano,
mexican oregano, marjoram, thyme, fresh thyme, dried thyme, lemon thyme, thyme leaves,
rosemary, fresh rosemary, dried rosemary, sage, fresh sage, rubbed sage, ground sage,
tarragon, chervil, bay leaf, bay leaves, dried bay leaves, curry leaves, lovage, savory,
summer savory, shiso, perilla, epazote, culantro, fenugreek, fenugreek leaves, kasuri methi,
fenugreek seeds, methi, herbs, fresh herbs, mixed herbs, dried herbs, herbes de provence,
italian seasoning, fines herbes, bouquet garni, salt, table salt, sea salt, kosher salt,
coarse salt, flaky salt, flaky sea salt, maldon salt, fleur de sel, rock salt,
pickling salt, himalayan salt, pink salt, black salt, kala namak, celery salt,
onion salt, smoked salt, truffle salt, salt free seasoning, seasoned salt, lawrys seasoned salt,
pepper, black pepper, ground black pepper, cracked black pepper, peppercorns,
black peppercorns, white pepper, green peppercorns, pink peppercorns, szechuan peppercorns,
sichuan peppercorns, sichuan pepper, lemon pepper, lemon pepper seasoning, salt and pepper,
cayenne, cayenne pepper, red pepper flakes, crushed red pepper, crushed red pepper flakes,
chili flakes, chilli flakes, chili powder, chilli powder, ancho chili powder,
chipotle powder, chipotle chili powder, kashmiri chili powder, gochugaru, aleppo pepper,
urfa biber, pul biber, paprika, sweet paprika, hot paprika, smoked paprika,
spanish paprika, hungarian paprika, pimenton, cumin, ground cumin, cumin seeds,
caraway, caraway seeds, fennel seeds, fennel seed, anise, aniseed, anise seeds,
star anise, cinnamon, ground cinnamon, cinnamon sticks, cinnamon stick, cassia,
nutmeg, ground nutmeg, whole nutmeg, mace, cloves, ground cloves, whole cloves, allspice,
ground allspice, allspice berries, cardamom, cardamom pods, green cardamom,
black cardamom, ground cardamom, ginger powder, turmeric, ground turmeric,
turmeric powder, saffron, saffron threads, sumac, za'atar, zaatar, baharat,
ras el hanout, garam masala, curry powder, madras curry powder, tandoori masala,
chaat masala, chana masala, biryani masala, sambar powder, rasam powder, panch phoron,
five spice, five spice powder, chinese five spice, shichimi togarashi, togarashi,
furikake, berbere, harissa, harissa paste, dukkah spice, advieh, jerk seasoning,
cajun seasoning, creole seasoning, old bay, old bay seasoning, blackening seasoning,
adobo seasoning, sazon, sazon goya, achiote, annatto, achiote paste, recado rojo,
pickling spice, mulling spices, pumpkin pie spice, pumpkin spice, apple pie spice,
mixed spice, quatre epices, poultry seasoning, steak seasoning, montreal steak seasoning,
greek seasoning, italian herbs, pizza seasoning, everything bagel seasoning,
bbq rub, dry rub, spice rub, chili lime seasoning, tajin, mustard seeds,
yellow mustard seeds, brown mustard seeds, black mustard seeds, mustard powder,
dry mustard, ground mustard, english mustard powder, celery seed, celery seeds,
juniper berries, asafoetida, hing, amchur powder, licorice root, vanilla bean,
vanilla beans, vanilla pod, vanilla paste, vanilla bean paste, vanilla powder,
msg, monosodium glutamate, accent seasoning, citric acid, cream of tartar,
ascorbic acid, liquid smoke, smoke flavoring, spices, spice, seasoning, seasonings,
spice blend, seasoning blend, mrs dash, lavender, dried lavender, rose petals,
rosewater, rose water, orange blossom water, orange flower water, hibiscus, chamomile,
matcha, matcha powder, green tea powder, edible flowers, nasturtiums, borage, dried chilli,
lemon balm, stevia leaves, tonka bean, mahlab, mastic, gum mastic, sansho, kokum,
dried mint, dried dill, dried parsley, dried basil, dried sage, dried marjoram,
dried tarragon, dried chives, herb salt, garlic herb seasoning
"""

OILS_FATS = """
oil, cooking oil, vegetable oil, canola oil, rapeseed oil, sunflower oil, safflower oil,
corn oil, soybean oil, grapeseed oil, olive oil, extra virgin olive oil, virgin olive oil,
light olive oil, pure olive oil, avocado oil, cottonseed oil, palm oil, red palm oil,
mustard oil, chili oil, chilli oil, chili crisp, chili garlic oil, garlic oil, herb oil,
flaxseed oil, hemp oil, pumpkin seed oil, frying oil, oil for frying, oil spray,
cooking spray, nonstick cooking spray, non stick spray, olive oil spray, baking spray,
pam, shortening, vegetable shortening, crisco shortening, vegan butter,
plant butter, dairy free spread, vegan margarine, coconut shortening, cocoa butter,
shea butter, vegetable ghee, solid vegetable fat, trex, copha, palm shortening
"""

VINEGARS = """
vinegar, white vinegar, distilled white vinegar, distilled vinegar, apple cider vinegar,
cider vinegar, red wine vinegar, white wine vinegar, champagne vinegar, sherry vinegar,
balsamic vinegar, balsamic, white balsamic vinegar, balsamic glaze, balsamic reduction,
rice vinegar, rice wine vinegar, seasoned rice vinegar, black vinegar, chinkiang vinegar,
coconut vinegar, cane vinegar, date vinegar, pickling vinegar, raspberry vinegar,
tarragon vinegar, ume plum vinegar, umeboshi vinegar, verjuice
"""

SWEET_BAKING = """
sugar, white sugar, granulated sugar, caster sugar, superfine sugar, brown sugar,
light brown sugar, dark brown sugar, packed brown sugar, demerara sugar, turbinado sugar,
raw sugar, muscovado sugar, light muscovado sugar, dark muscovado sugar, cane sugar,
powdered sugar, confectioners sugar, icing sugar, pearl sugar, sanding sugar,
coarse sugar, jaggery, gur, panela, piloncillo, palm sugar, date sugar, maple sugar,
sugar cubes, rock sugar, rock candy, vanilla sugar, cinnamon sugar, sprinkles,
nonpareils, hundreds and thousands, colored sugar, maple syrup, pure maple syrup,
pancake syrup, golden syrup, light corn syrup, dark corn syrup, corn syrup, glucose syrup,
glucose, dextrose, fructose, invert sugar, simple syrup, sugar syrup, treacle,
black treacle, molasses, blackstrap molasses, agave, agave nectar, agave syrup,
brown rice syrup, rice malt syrup, yacon syrup, stevia, splenda, sucralose, erythritol,
xylitol, monk fruit sweetener, allulose, sweetener, artificial sweetener, sugar substitute,
sugar free syrup, cocoa, cocoa powder, unsweetened cocoa powder, dutch process cocoa,
dutch processed cocoa powder, cacao powder, cacao nibs, cocoa nibs, carob, carob powder,
unsweetened chocolate, chocolate liquor, dairy free chocolate chips, vegan chocolate,
baking powder, baking soda, bicarbonate of soda, bicarb, sodium bicarbonate,
yeast, active dry yeast, instant yeast, fast action yeast, rapid rise yeast, dry yeast,
fresh yeast, bread machine yeast, nutritional yeast, pectin, fruit pectin, sure jell,
cornflour slurry, food coloring, food colouring, gel food coloring, red food coloring,
green food coloring, food coloring gel, edible glitter, luster dust, sprinkle mix,
fondant, marzipan free icing, royal icing, icing, frosting, buttercream frosting,
cream cheese frosting, chocolate frosting, vanilla frosting, canned frosting, glaze,
candy melts, almond bark, candy coating, maple flavoring, vanilla flavoring, lemon oil, orange oil, peppermint oil,
candied fruit, glace fruit, crystallized fruit, halva, halvah, turkish delight,
hard candies, candy canes, peppermint candies, mints, starlight mints, m&ms, smarties,
chocolate candies, candy bar, toffee candy, cotton candy, lollipops, pop rocks,
caramel candies, kraft caramels, heath bar, butterfinger, mars bar, milky way,
three musketeers, twix, rolo, york peppermint patties, hersheys kisses, kisses,
chocolate kisses, chocolate eggs, cadbury eggs, mini eggs, hershey bar, brownie bites,
ice cream sprinkles, cereal bar, popsicle, ice, ice cubes, crushed ice, water,
cold water, hot water, boiling water, warm water, ice water, iced water, sparkling water,
soda water, club soda, seltzer, tonic water, mineral water, coconut water drink,
coffee, brewed coffee, strong coffee, espresso, instant coffee, instant espresso powder,
espresso powder, coffee granules, coffee beans, ground coffee, cold brew, tea, black tea,
green tea, tea bags, earl grey tea, chai tea, chai, rooibos, herbal tea, mint tea,
jasmine tea, oolong tea, hot chocolate mix, cocoa mix, cola, coca cola, coke, pepsi,
diet coke, root beer, ginger ale, ginger beer, lemonade, lemon lime soda, sprite,
7 up, 7up, dr pepper, mountain dew, orange soda, energy drink, sports drink,
gatorade, kool aid, drink mix, lemonade concentrate, frozen lemonade concentrate,
limeade concentrate, orange juice concentrate, frozen orange juice concentrate,
apple juice concentrate, grenadine, grenadine syrup, orgeat, lime cordial, cordial,
squash drink, elderflower syrup, rose syrup, falernum
"""

SAUCES = """
ketchup, tomato ketchup, catsup, mustard, yellow mustard, prepared mustard, dijon,
dijon mustard, whole grain mustard, wholegrain mustard, grainy mustard, english mustard,
spicy brown mustard, stone ground mustard, german mustard, hot sauce,
tabasco, tabasco sauce, louisiana hot sauce, franks red hot, frank's redhot, cholula,
valentina, sriracha, sriracha sauce, sambal oelek, sambal, chili garlic sauce,
chili sauce, sweet chili sauce, sweet chilli sauce, thai sweet chili sauce, chili paste,
chilli paste, harissa sauce, peri peri sauce, piri piri sauce,
buffalo sauce, wing sauce, salsa roja, enchilada sauce, red enchilada sauce,
green enchilada sauce, taco sauce, picante sauce, chimichurri, mojo, mojo sauce,
zhug, schug, chermoula, gremolata, salsa macha, sofrito sauce, tomato relish,
chutney, mango chutney, tamarind chutney, mint chutney, coriander chutney,
cilantro chutney, onion chutney, apple chutney, cranberry chutney, piccalilli,
branston pickle, lime pickle, mango pickle, achar, giardiniera, mustard pickle,
tomato chutney, vinaigrette, italian dressing,
balsamic vinaigrette, french dressing, greek dressing, lemon vinaigrette,
catalina dressing, raspberry vinaigrette,
red wine vinaigrette, liquid aminos sauce,
salsa verde cruda, tomato chili jam,
sweet and sour sauce, plum sauce, duck sauce, apricot sauce, char siu sauce,
douchi,
fermented black beans, chinese black beans, lao gan ma, chili crisp oil,
yuzu kosho, ume paste, umeboshi, umeboshi paste,
pickled plums, tahini sauce, garlic sauce, toum,
salsa criolla, ajvar, pepper paste, red pepper paste, tomato pepper paste,
biber salcasi, baba ganoush, baba ghanoush, hummus dip, bean dip, mustard sauce
"""

#: Ready-made sauces, soups, mixes and prepared foods: facts as usually made.
PREPARED = """
barbecue sauce, bbq sauce, barbeque sauce, barbecue, bbq, hickory barbecue sauce, honey barbecue sauce,
honey bbq sauce : gluten fish honey
thousand island, big mac sauce, burger sauce, special sauce, fry sauce : egg
caesar salad dressing, caesar, caesar salad kit : fish egg dairy rennet
green goddess dressing : fish egg dairy
blue cheese, bleu cheese, blue cheese crumbles, gorgonzola crumbles : dairy
curry paste, red curry paste, green curry paste, yellow curry paste, panang curry paste,
massaman curry paste, thai curry paste, tom yum paste, laksa paste, rendang paste,
nam prik, sambal terasi, shrimp sauce, sambal belacan : fish shellfish
kimchi, napa kimchi, cabbage kimchi, kimchi juice : fish shellfish
tikka masala sauce, butter chicken sauce, makhani sauce, curry sauce, jarred curry sauce,
simmer sauce : dairy tree_nut
katsu curry sauce, katsu sauce, japanese curry roux, curry roux, korma curry, vindaloo paste, madras curry paste, tikka masala paste, tandoori paste,
balti paste, jalfrezi paste, rogan josh paste, biryani paste, curry paste indian : gluten
tom yum soup, pho broth, ramen broth, laksa broth, wonton soup : meat poultry fish gluten
broth, stock, bone stock, soup stock, clear broth, broth base, soup base, consomme,
bouillon paste, stock pot, stockpot, jellied stock, white stock, brown stock, court bouillon,
fond, soup, canned soup, demi glace, demi glace concentrate, jus, au jus, au jus mix,
pan drippings, drippings, meat juices, cooking juices : meat poultry
beef broth, beef stock, beef consomme, veal stock, lamb stock, brown beef stock, bone broth : meat
beef bouillon, oxtail soup, beef gravy, beef bouillon cubes, beef stock cubes, beef base paste,
beef bouillon granules, beef soup base, beef base, beef stock powder : meat gluten
chicken soup, chicken noodle soup, chicken gravy, turkey gravy, chicken bouillon cubes,
chicken stock cubes, chicken bouillon granules, chicken soup base, chicken stock powder,
chicken base paste : poultry gluten
cream of chicken, cream of chicken soup, cream of chicken soup mix, cream of chicken and mushroom soup : poultry dairy gluten
cream of mushroom, cream of mushroom soup, cream of celery, cream of celery soup, cream of potato soup,
condensed soup, cream soup, cream of broccoli soup,
cheddar cheese soup, condensed cheddar cheese soup, nacho cheese soup, alfredo,
alfredo pasta sauce, vodka sauce : dairy gluten
macaroni and cheese, mac and cheese, mac n cheese, boxed macaroni and cheese,
kraft macaroni and cheese, cheese tortellini, cheese ravioli, spinach and ricotta ravioli,
cheese filled tortellini, pierogi, pierogies : dairy gluten egg
lasagna noodles fresh, fresh lasagna sheets, fresh fettuccine, fresh tagliatelle,
fresh egg pasta, egg tagliatelle, egg fettuccine, egg spaghetti, egg fusilli, egg noodles,
egg noodle, egg pasta, fresh pasta, wide egg noodles, extra wide egg noodles, kluski noodles : gluten egg
naan, garlic naan, brioche buns, brioche bread, challah bread, milk bread, hawaiian rolls,
kings hawaiian rolls, potato rolls, potato buns, parker house rolls, brioche rolls : gluten dairy egg
croissant dough, puff pastry sheets, butter puff pastry, all butter puff pastry,
shortcrust, sweet pastry, pate sucree, pate brisee, graham cracker crust, oreo crust,
cookie crumbs, cake crumbs, pound cake mix, biscuit crumbs, digestive biscuit crumbs : gluten dairy
pie crusts, refrigerated pie crust, refrigerated pie crusts, frozen pie crust, deep dish pie crust,
pastry crust, unbaked pie crust, pie crust mix, pillsbury pie crust : gluten dairy pork
lard pie crust, hot water crust pastry, suet pastry : gluten pork meat
mincemeat, mince pies, christmas pudding, steamed pudding, plum pudding : gluten meat alcohol
pizza, frozen pizza, pepperoni pizza : gluten dairy pork
sushi, california roll : fish shellfish egg gluten
eggnog, egg nog : dairy egg alcohol
tiramisu, trifle sponge : gluten egg dairy alcohol
ice cream sandwich, ice cream cone : dairy egg gluten
cheesecake, cheese cake : dairy egg gluten
chocolate cake, carrot cake, birthday cake : gluten dairy egg
honey, raw honey, clover honey, manuka honey, runny honey, honeycomb, orange blossom honey,
wildflower honey, acacia honey, honey syrup, bee pollen, royal jelly, propolis : honey
honey mustard dressing, honey mustard sauce : honey egg
ranch dressing, ranch, ranch dressing mix, blue cheese dressing, buttermilk ranch : dairy egg
salad dressing, miracle whip, coleslaw dressing, poppyseed dressing, creamy dressing : egg
sesame dressing, japanese sesame dressing, goma dressing : egg gluten
ginger dressing, asian dressing, teriyaki glaze, orange sauce stir fry : gluten
rice wine, sake, cooking sake, mirin, aji mirin, hon mirin, sweet rice wine : alcohol
shaoxing wine, shaoxing rice wine, chinese cooking wine, huangjiu, chinese rice wine : alcohol gluten
vegetarian oyster sauce, mushroom oyster sauce, vegetarian stir fry sauce, mushroom stir fry sauce,
vegan oyster sauce, quorn, quorn mince, beyond meat, impossible burger, veggie burger,
veggie burgers, veggie crumbles, meatless crumbles, vegetarian mince, vegetarian burger crumbles,
vegetarian crumbles, burger style crumbles, grillers crumbles, hot bean paste, doubanjiang, chili bean paste, sichuan chili bean paste,
toban djan : gluten
nam prik pao, thai chili paste, thai roasted chili paste, chili paste in soybean oil : shellfish
tapenade, olive tapenade, black olive tapenade, green olive tapenade : fish
soup, canned soup, condensed soup base, soup mix packet : meat poultry dairy gluten
vegetable bouillon, vegetable bouillon cube, vegetable bouillon cubes, vegetable stock cube,
vegetable stock cubes, vegetable stock powder, vegetable bouillon powder, vegetable base,
vegetable soup base, veggie bouillon, bouillon vegetable : gluten
imitation crab, imitation crab meat, crab sticks, surimi, kamaboko, fish balls, fish cakes,
fish fingers, fish sticks, breaded fish, battered fish, fish and chips : fish gluten egg
honey mustard, honey dijon, honey dijon mustard : honey
honey garlic sauce : honey gluten
graham cracker, honey graham crackers, honey nut cheerios : gluten honey
granola bar, granola bars, honey granola : gluten honey tree_nut
beeswax : honey
carmine, cochineal, e120, natural red 4, isinglass, bone char, shellac, confectioners glaze,
lanolin, animal fat, tallow shortening, bone meal : animal
vanilla, pure vanilla, vanilla extract, pure vanilla extract, vanilla essence, imitation vanilla,
imitation vanilla extract, clear vanilla extract, lemon extract, orange extract, peppermint extract,
mint extract, coconut extract, rum extract, maple extract, banana extract, anise extract,
butter extract, brandy extract, cherry extract, raspberry extract, strawberry extract : alcohol
almond extract, almond essence, pure almond extract : tree_nut alcohol
pudding mix, instant pudding mix, vanilla pudding mix, chocolate pudding mix,
instant vanilla pudding mix, instant chocolate pudding mix, butterscotch pudding mix,
cook and serve pudding mix, instant pudding :
cheese, cheeses, shredded cheese, grated cheese, cheese blend, mexican cheese blend,
italian cheese blend, pizza cheese blend, cheese slices, sliced cheese, cheese sauce mix : dairy
i cant believe its not butter, i cant believe its not butter spread, country crock,
butter substitute, buttery spread : dairy
hash brown potatoes, hash brown, shredded hash browns, potato tots :
flax seed, flax seed meal, flaxseed meal, golden flaxseed, milled flaxseed :
salad shrimp, popcorn shrimp : shellfish
baby back pork ribs, pork baby back ribs, pork spare ribs, st louis style ribs : pork
sirloin, sirloin steak, top sirloin, top sirloin steak, ribeye, ribeye steak, rib eye steak,
t bone steak, porterhouse steak, filet mignon, beef tenderloin, chuck roast, chuck steak,
rump roast, round steak, top round, eye of round, bottom round roast, hanger steak,
strip steak, new york strip steak, tri tip roast, short loin, prime rib, standing rib roast,
rib roast, beef roast, stew beef, stewing beef, skirt, flap meat, chateaubriand,
tenderloin steak, sirloin tip roast, rump steak, braising beef, osso buco : meat
tenderloin, loin chops, chops, ribs roast : meat pork
hot pepper sauce, pepper sauce, hot chili sauce, louisiana style hot sauce :
vanilla ice cream custard, frozen custard, custard sauce, creme anglaise, pastry cream,
creme patissiere, lemon curd, bread pudding, flan, creme caramel, creme brulee : dairy egg
french toast, brioche french toast, pancake batter, waffle batter, crepe batter,
yorkshire pudding batter, batter : gluten dairy egg
"""

ALCOHOL = """
wine, red wine, white wine, dry white wine, dry red wine, rose wine, rose, sparkling wine,
champagne, prosecco, cava, sherry, dry sherry, cream sherry, fino sherry, amontillado,
oloroso, port, port wine, ruby port, tawny port, madeira, marsala, marsala wine,
dry marsala, sweet marsala, vermouth, dry vermouth, sweet vermouth, white vermouth,
lillet, lillet blanc, dubonnet, cooking wine, red cooking wine, white cooking wine,
chardonnay, sauvignon blanc, pinot grigio, pinot gris, riesling, gewurztraminer,
chenin blanc, viognier, muscadet, moscato, muscat, sauternes, ice wine, merlot,
cabernet sauvignon, cabernet, pinot noir, shiraz, syrah, zinfandel, malbec, chianti,
rioja, burgundy, red burgundy, bordeaux, claret, beaujolais, sangiovese, tempranillo,
grenache, barolo, valpolicella, amarone, sangria, mulled wine, gluhwein,
spirits, liquor, liqueur, brandy, cognac, armagnac, calvados, applejack, grappa, pisco,
kirsch, kirschwasser, eau de vie, slivovitz, rum, white rum, light rum, dark rum,
spiced rum, gold rum, coconut rum, malibu, bacardi, cachaca, vodka, flavored vodka,
vanilla vodka, citrus vodka, gin, sloe gin, tequila, blanco tequila, reposado tequila,
anejo tequila, mezcal, whiskey, whisky, bourbon, rye whiskey, scotch, scotch whisky,
irish whiskey, japanese whisky, tennessee whiskey, jack daniels, moonshine, everclear,
grain alcohol, absinthe, ouzo, pastis, pernod, ricard, sambuca, arak, raki, anisette,
aquavit, akvavit, schnapps, peach schnapps, peppermint schnapps, butterscotch schnapps,
soju, shochu, baijiu, triple sec, cointreau, grand marnier, curacao, blue curacao,
orange liqueur, cherry liqueur, cherry brandy, maraschino liqueur, luxardo, chambord,
raspberry liqueur, creme de cassis, cassis, creme de menthe, creme de cacao,
white creme de cacao, creme de violette, creme de banane, kahlua, coffee liqueur,
tia maria, baileys, baileys irish cream, irish cream liqueur, drambuie, benedictine,
chartreuse, green chartreuse, yellow chartreuse, galliano, strega, limoncello,
campari, aperol, fernet, fernet branca, amaro, cynar, jagermeister, st germain,
elderflower liqueur, midori, melon liqueur, southern comfort, disaronno, advocaat,
cherry heering, pimms, angostura bitters, bitters, orange bitters, peychauds bitters,
aromatic bitters, hard cider, cider, dry cider, perry, mead, sake cooking, mirin cooking,
shaoxing, rum flavoring alcohol, brandy butter, rum butter, rum sauce, boozy cherries,
brandied cherries, wine sauce, red wine sauce, wine reduction : alcohol
"""

BRANDED = """
bisquick mix, jiffy corn muffin mix, jiffy mix, corn muffin mix : gluten dairy
nilla wafers, teddy grahams, animal crackers, goldfish crackers, cheez its, cheese its : gluten dairy
oreo, chips ahoy, nutter butter : gluten peanut
rice krispies cereal, rice chex gluten free, corn chex, rice chex : gluten
hersheys chocolate syrup, hershey's syrup : dairy
reese's, reeses : peanut dairy
nutella spread : tree_nut dairy
lea and perrins, lea & perrins : fish gluten
kitchen bouquet, gravy master, browning sauce : gluten
liquid smoke hickory :
"""


def _blocks(block: str, where: str) -> list[tuple[str, frozenset[str]]]:
    """Like ``_parse_block`` but each ``... : facts`` group may end a line."""
    entries = []
    group: list[str] = []
    for line in block.strip().splitlines():
        line = line.strip()
        if not line:
            continue
        if ":" in line:
            names, facts = line.rsplit(":", 1)
            group.append(names)
            joined = ",".join(group)
            fact_set = check_facts(facts.split(), where)
            entries += [(n.strip(), fact_set) for n in joined.split(",") if n.strip()]
            group = []
        else:
            group.append(line)
    if group:
        entries += [(n.strip(), frozenset()) for n in ",".join(group).split(",") if n.strip()]
    return entries


def _names(block: str) -> list[str]:
    return [n.strip() for n in block.replace("\n", " ").split(",") if n.strip()]


def variants() -> list[tuple[str, str, frozenset[str]]]:
    """Every row of the table as ``(group, ingredient, facts)``."""
    rows: list[tuple[str, str, frozenset[str]]] = []

    def add(group, entries):
        rows.extend((group, name, facts) for name, facts in entries)

    def facts(*words):
        return check_facts(" ".join(words).split(), "build.py")

    add("meat, poultry, pork, gelatin", _blocks(MEATS, "MEATS"))
    kind_cuts = {"red": _names(RED_CUTS), "pork": _names(PORK_CUTS), "bird": _names(BIRD_CUTS)}
    for animal, (fact, kind) in MEAT_ANIMALS.items():
        rows.append(("meat cuts (generated: animal x cut)", animal, facts(fact)))
        for cut in dict.fromkeys(_names(COMMON_CUTS) + kind_cuts[kind]):
            extra = CUT_EXTRA.get(cut, "")
            if fact == "pork":
                extra = extra.replace("pork", "")
            name = f"{animal} {cut}"
            rows.append(("meat cuts (generated: animal x cut)", name, facts(fact, extra)))
        if fact != "pork":
            for cut in ("", " mince", " breast", " thighs", " chops", " sausages", " stock"):
                extra = "pork" if "sausage" in cut else ""
                rows.append(
                    ("halal meat (generated)", f"halal {animal}{cut}", facts("halal_meat", extra))
                )
    add("fish and shellfish", _blocks(FISH, "FISH"))
    fish_names = [n for n, f in _blocks(FISH, "FISH") if f == {"fish"} and " " not in n]
    for fish in fish_names:
        for cut in _names(FISH_CUTS):
            rows.append(("fish cuts (generated)", f"{fish} {cut}", facts("fish")))
    add("dairy", _blocks(DAIRY, "DAIRY"))
    for name, fact_set in _blocks(CHEESES, "CHEESES"):
        rows.append(("cheese", name, fact_set))
        if not name.endswith("cheese"):
            rows.append(("cheese (generated: <name> cheese)", f"{name} cheese", fact_set))
    for word in _names(CHEESE_WORDS):
        rows.append(("cheese (generated: <word> cheese)", f"{word} cheese", facts("dairy")))
    add("eggs", _blocks(EGGS, "EGGS"))
    add("gluten grains, flours, breads, sauces with wheat", _blocks(GLUTEN, "GLUTEN"))
    for shape in _names(PASTA):
        rows.append(("pasta (durum wheat)", shape, facts("gluten")))
    add("grains, flours and starches without gluten", _blocks(GRAINS_FREE, "GRAINS_FREE"))
    add("vegetables", _blocks(VEGETABLES, "VEGETABLES"))
    fruits = _blocks(FRUITS, "FRUITS")
    add("fruit", fruits)
    for form, names in FRUIT_FORMS.items():
        for name in _names(names):
            rows.append(("fruit and vegetable forms (generated)", f"{name} {form}", frozenset()))
    add("beans, peas, lentils, soy", _blocks(LEGUMES, "LEGUMES"))
    add("bean dishes made with pork", _blocks(BEAN_DISHES, "BEAN_DISHES"))
    nuts = _blocks(NUTS, "NUTS")
    add("tree nuts and peanuts", nuts)
    for name, fact_set in nuts:
        if " " in name or not name.endswith("s") or fact_set != {"tree_nut"}:
            continue
        for form in _names(NUT_FORMS):
            rows.append(("nut forms (generated)", f"{name.removesuffix('s')} {form}", fact_set))
    add("seeds", _blocks(SEEDS, "SEEDS"))
    spices = _blocks(HERBS_SPICES, "HERBS_SPICES")
    add("herbs, spices, salt, seasonings", spices)
    for form, names in SPICE_FORMS.items():
        for name in _names(names):
            rows.append(("herb and spice forms (generated)", f"{name} {form}", frozenset()))
    add("oils and fats", _blocks(OILS_FATS, "OILS_FATS"))
    add("vinegars", _blocks(VINEGARS, "VINEGARS"))
    add("sugar, baking, drinks", _blocks(SWEET_BAKING, "SWEET_BAKING"))
    add("sauces and condiments", _blocks(SAUCES, "SAUCES"))
    add("prepared foods, soups, stocks, mixes", _blocks(PREPARED, "PREPARED"))
    add("wine, beer and spirits", _blocks(ALCOHOL, "ALCOHOL"))
    add("branded products", _blocks(BRANDED, "BRANDED"))
    return rows


#: Rows where the first listing would be wrong: later, more specific groups win.
PRECEDENCE = (
    "bean dishes made with pork",
    "prepared foods, soups, stocks, mixes",
    "halal meat (generated)",
)


def table_rows() -> list[tuple[str, str, str]]:
    """``(ingredient, facts, group)`` rows: one per ingredient, sorted by group then name.

    A name listed twice keeps the *stricter* facts (their union), except that the groups in
    ``PRECEDENCE`` decide alone for the names they list (e.g. "halal chicken" is not
    "chicken", "refried beans" are made with lard).
    """
    from pilot.ingredients.table import normalise_name

    chosen: dict[str, tuple[str, frozenset[str]]] = {}
    decided: set[str] = set()
    for group, name, fact_set in variants():
        key = normalise_name(name)
        if not key:
            continue
        if group in PRECEDENCE:
            if key not in decided:
                chosen[key] = (group, fact_set)
                decided.add(key)
            else:
                chosen[key] = (group, chosen[key][1] | fact_set)
            continue
        if key in decided:
            continue
        if key in chosen:
            old_group, old = chosen[key]
            chosen[key] = (old_group, old | fact_set)
        else:
            chosen[key] = (group, fact_set)
    rows = [(name, "|".join(sorted(f)), group) for name, (group, f) in chosen.items()]
    rows.sort(key=lambda r: (r[2], r[0]))
    return rows


HEADER = """\
# The ingredient table: the facts that decide every diet label (pilot/ingredients/facts.py).
# GENERATED by `python -m pilot.ingredients.build` from the lists in pilot/ingredients/build.py;
# edit those, not this file. Staff classifications made on /staff/ingredients/ are kept in the
# database and win over this table. Where each fact comes from: docs/data.md.
"""


def render() -> str:
    out = io.StringIO()
    out.write("ingredient,facts,group\n")
    out.write(HEADER.replace("\n# ", "\n# ").replace(",", ";"))
    writer = csv.writer(out, lineterminator="\n")
    for row in table_rows():
        writer.writerow(row)
    return out.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the CSV is current")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date: run python -m pilot.ingredients.build", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(text.splitlines()) - 1:,} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
